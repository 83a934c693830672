#pragma once
// Visiting the children of a node, written once for every pass that does not care which
// kind of node it is looking at.
#include "grammar/ast.hpp"

namespace flow::compiler {

// Calls `visit(ExprId)` for each direct sub-expression of `e`, in source order.
template <typename Visit>
void for_each_child(const grammar::Ast& ast, const grammar::Expr& e, Visit&& visit) {
  if (e.operand != grammar::kNone) visit(e.operand);
  for (const grammar::ExprId item : e.items) visit(item);
  for (const grammar::StringPart& part : e.parts) {
    if (part.hole != grammar::kNone) visit(part.hole);
  }
}

// Calls `visit(StmtId)` for every statement of `block` and of the blocks nested in it, in
// source order (a statement before the statements inside it).
template <typename Visit>
void for_each_stmt(const grammar::Ast& ast, const grammar::Block& block, Visit&& visit) {
  for (const grammar::StmtId id : block) {
    visit(id);
    for (const grammar::Block& inner : ast.stmt(id).blocks) for_each_stmt(ast, inner, visit);
  }
}

}  // namespace flow::compiler
