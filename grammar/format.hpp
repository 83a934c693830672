#pragma once
// The canonical layout of a .flow file, behind `flowc fmt`. It prints from the AST, so
// there is exactly one layout per program: 2-space indentation, one blank line between
// top-level items, settings before statements, operators spaced, parentheses only where
// precedence needs them, objects and lists on one line when they fit in 80 columns.
// The source text supplies what the AST leaves out: comments (Ast::comments), blank lines
// between statements (kept, at most one), and the raw content of `"""` strings.
#include <string>

#include "grammar/ast.hpp"
#include "grammar/source.hpp"

namespace flow::grammar {

// `ast` must have been parsed from `file` without errors. The result parses to an
// equivalent AST with the same comments, and format(format(x)) == format(x).
std::string format(const Ast& ast, const SourceFile& file);

}  // namespace flow::grammar
