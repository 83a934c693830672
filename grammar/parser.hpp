#pragma once
// The front door of grammar/: text in, Ast out, mistakes to a DiagnosticSink. The PEGTL
// grammar (rules.hpp) and the actions that build the tree (parser.cpp) stay out of this
// header, so code that only needs to call the parser compiles quickly.
#include <cstdint>

#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

namespace flow::grammar {

// Parses a whole .flow file. Every syntax error is reported (the parser recovers at
// statement and item boundaries); the returned Ast holds everything that did parse.
// Nodes of broken statements may remain in Ast::exprs / Ast::stmts without being
// referenced: always walk the tree from templates, workflows and blocks.
Ast parse(const SourceSet& sources, uint32_t file, DiagnosticSink& sink);

// Parses the whole text of `file`, an HTML or plain-text template file (not Flow code), as
// literal text with `{{ expr }}` / `{{{ expr }}}` holes, into one String expression
// appended to `ast`; spans point into `file`. `\{` writes a literal `{`; every other byte
// is literal text. Errors are DiagnosticKind::TemplateSyntax; a broken hole is skipped
// and the rest of the text is still parsed.
ExprId parse_template_text(Ast& ast, const SourceSet& sources, uint32_t file, DiagnosticSink& sink);

// Parses the whole text of `file` as one expression appended to `ast` (tests, the
// language server). Returns kNone after reporting an error.
ExprId parse_expression(Ast& ast, const SourceSet& sources, uint32_t file, DiagnosticSink& sink);

// The deepest nesting of brackets, blocks, holes and prefix operators the parser accepts;
// deeper input is reported as "nesting too deep" instead of exhausting the stack.
inline constexpr uint32_t kMaxNesting = 256;

}  // namespace flow::grammar
