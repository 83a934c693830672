#include "compiler/step_label.hpp"

#include <cctype>

#include "compiler/text.hpp"

namespace flow::compiler {

using bytecode::StepKind;
using grammar::StmtKind;

StepKind step_kind(StmtKind kind) {
  switch (kind) {
    case StmtKind::Send: return StepKind::Send;
    case StmtKind::Delay: return StepKind::Delay;
    case StmtKind::Wait: return StepKind::Wait;
    case StmtKind::If: return StepKind::Condition;
    case StmtKind::Webhook: return StepKind::Webhook;
    case StmtKind::Update: return StepKind::Update;
    case StmtKind::Exit: return StepKind::Exit;
    default: return StepKind::Set;  // let and assignment
  }
}

std::string step_label(const grammar::SourceSet& sources, const grammar::Ast& ast, const grammar::Stmt& s) {
  const auto text = [&](grammar::ExprId id) { return source_text(sources, ast.expr(id).span); };
  switch (s.kind) {
    case StmtKind::Send: return "send " + s.name.text;
    case StmtKind::Delay: return "delay " + duration_text(sources, ast.expr(s.expr));
    case StmtKind::Wait: return "wait for " + text(s.expr) + " within " + duration_text(sources, ast.expr(s.expr2));
    case StmtKind::If: return "if " + text(s.conditions.front());
    case StmtKind::Webhook: {
      std::string method = s.method;
      for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return "webhook " + method + " " + text(s.expr);
    }
    case StmtKind::Update: {
      std::string keys;
      for (const grammar::Name& key : ast.expr(s.expr).keys) keys += (keys.empty() ? "" : ", ") + key.text;
      return "update contact {" + keys + "}";
    }
    case StmtKind::Exit: return s.expr == grammar::kNone ? "exit" : "exit " + text(s.expr);
    case StmtKind::Let: return "let " + s.name.text + " = " + text(s.expr);
    default: return s.name.text + " = " + text(s.expr);
  }
}

}  // namespace flow::compiler
