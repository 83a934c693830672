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
  // Built in one string: the words, then the source text appended in place.
  std::string label;
  const auto append_text = [&](grammar::ExprId id) { append_source_text(label, sources, ast.expr(id).span); };
  switch (s.kind) {
    case StmtKind::Send: label.append("send ").append(s.name.text); break;
    case StmtKind::Delay: label.append("delay ").append(duration_text(sources, ast.expr(s.expr))); break;
    case StmtKind::Wait:
      label.append("wait for ");
      append_text(s.expr);
      label.append(" within ").append(duration_text(sources, ast.expr(s.expr2)));
      break;
    case StmtKind::If:
      label.append("if ");
      append_text(s.conditions.front());
      break;
    case StmtKind::Webhook:
      label.append("webhook ");
      for (const char c : s.method) label += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      label += ' ';
      append_text(s.expr);
      break;
    case StmtKind::Update:
      label.append("update contact {");
      for (const grammar::Name& key : ast.expr(s.expr).keys) {
        if (label.back() != '{') label.append(", ");
        label.append(key.text);
      }
      label += '}';
      break;
    case StmtKind::Exit:
      label.append("exit");
      if (s.expr != grammar::kNone) {
        label += ' ';
        append_text(s.expr);
      }
      break;
    case StmtKind::Let:
      label.append("let ").append(s.name.text).append(" = ");
      append_text(s.expr);
      break;
    default:
      label.append(s.name.text).append(" = ");
      append_text(s.expr);
  }
  return label;
}

}  // namespace flow::compiler
