#include "lsp/facts.hpp"

#include <algorithm>
#include <array>

#include "lsp/ast_walk.hpp"

namespace flow::lsp {

namespace {

using grammar::Expr;
using grammar::ExprKind;

bool is_variable(const Expr& e, std::string_view name) { return e.kind == ExprKind::Variable && e.name.text == name; }

// `contact.data.x` in a workflow or a template.
void workflow_data_field(const grammar::Ast& ast, const Expr& e, Facts& facts) {
  if (e.kind != ExprKind::Member) return;
  const Expr& data = ast.expr(e.operand);
  if (data.kind == ExprKind::Member && data.name.text == "data" && is_variable(ast.expr(data.operand), "contact")) {
    facts.data_fields.insert(e.name.text);
  }
}

// A template also names contact data as `data.x` or as a bare name (`firstName`).
void template_data_field(const grammar::Ast& ast, const Expr& e, Facts& facts) {
  static constexpr std::array<std::string_view, 6> kNotData = {"email",          "subscribed", "data",
                                                               "unsubscribeUrl", "contact",    "event"};
  if (e.kind == ExprKind::Member && is_variable(ast.expr(e.operand), "data")) facts.data_fields.insert(e.name.text);
  if (e.kind == ExprKind::Variable && std::find(kNotData.begin(), kNotData.end(), e.name.text) == kNotData.end()) {
    facts.data_fields.insert(e.name.text);
  }
}

void add_event(const grammar::Ast& ast, grammar::ExprId id, Facts& facts) {
  if (id != grammar::kNone && ast.expr(id).is_plain_string()) facts.events.insert(ast.expr(id).plain_text());
}

}  // namespace

void Facts::merge(const Facts& other) {
  events.insert(other.events.begin(), other.events.end());
  data_fields.insert(other.data_fields.begin(), other.data_fields.end());
}

Facts collect_facts(const grammar::Ast& ast) {
  Facts facts;
  for (const grammar::Template& item : ast.templates) {
    for (const grammar::Setting& setting : item.settings) {
      if (setting.key.text == "type") continue;  // `type marketing` is a word, not data
      for_each_expr(ast, setting.value, [&](grammar::ExprId id) {
        workflow_data_field(ast, ast.expr(id), facts);
        template_data_field(ast, ast.expr(id), facts);
      });
    }
  }
  for (const grammar::Workflow& item : ast.workflows) {
    add_event(ast, item.trigger, facts);
    for_each_expr(ast, item, [&](grammar::ExprId id) { workflow_data_field(ast, ast.expr(id), facts); });
    compiler::for_each_stmt(ast, item.body, [&](grammar::StmtId id) {
      const grammar::Stmt& s = ast.stmt(id);
      if (s.kind == grammar::StmtKind::Wait) add_event(ast, s.expr, facts);
      if (s.kind == grammar::StmtKind::Update && s.expr != grammar::kNone) {
        for (const grammar::Name& key : ast.expr(s.expr).keys) facts.data_fields.insert(key.text);
      }
    });
  }
  return facts;
}

}  // namespace flow::lsp
