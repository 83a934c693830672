#pragma once
// Every expression of a template or a workflow, reached from the item down (never by
// scanning Ast::exprs, which may hold pieces of statements the parser threw away).
#include "compiler/walk.hpp"
#include "grammar/ast.hpp"

namespace flow::lsp {

// `root` and every expression inside it, outer before inner.
template <typename Visit>
void for_each_expr(const grammar::Ast& ast, grammar::ExprId root, Visit&& visit) {
  if (root == grammar::kNone) return;
  visit(root);
  compiler::for_each_child(ast, ast.expr(root), [&](grammar::ExprId child) { for_each_expr(ast, child, visit); });
}

template <typename Visit>
void for_each_expr(const grammar::Ast& ast, const grammar::Template& item, Visit&& visit) {
  for (const grammar::Setting& setting : item.settings) for_each_expr(ast, setting.value, visit);
}

// The trigger, the settings and the expressions of every statement, nested ones included.
template <typename Visit>
void for_each_expr(const grammar::Ast& ast, const grammar::Workflow& item, Visit&& visit) {
  for_each_expr(ast, item.trigger, visit);
  for (const grammar::Setting& setting : item.settings) for_each_expr(ast, setting.value, visit);
  compiler::for_each_stmt(ast, item.body, [&](grammar::StmtId id) {
    const grammar::Stmt& s = ast.stmt(id);
    for (const grammar::ExprId e :
         {s.expr, s.expr2, s.webhook.headers, s.webhook.body, s.webhook.timeout, s.webhook.retries}) {
      for_each_expr(ast, e, visit);
    }
    for (const grammar::ExprId condition : s.conditions) for_each_expr(ast, condition, visit);
  });
}

}  // namespace flow::lsp
