#pragma once
#include <string>

#include "bytecode/module.hpp"
#include "grammar/ast.hpp"
#include "grammar/source.hpp"

namespace flow::compiler {

// The step kind of a statement that is a step (not a label or goto).
bytecode::StepKind step_kind(grammar::StmtKind kind);

// How a step reads in the graph, the disassembly and the execution history: `send
// welcome`, `delay 1 day`, `if contact.data.plan == "pro"`, `update contact {plan}`.
std::string step_label(const grammar::SourceSet& sources, const grammar::Ast& ast, const grammar::Stmt& stmt);

}  // namespace flow::compiler
