#include "compiler/gen_expr.hpp"

#include <optional>

namespace flow::compiler {

using bytecode::Constant;
using bytecode::Op;
using grammar::BinaryOp;
using grammar::Expr;
using grammar::ExprKind;

void ExprGen::expr_or_null(ExprId id, const grammar::Span& span) {
  if (id == kNone) {
    e_.op(span, Op::Null);
  } else {
    expr(id);
  }
}

void ExprGen::expr(ExprId id, bool escape_holes) {
  const Expr& x = ast_.expr(id);
  switch (x.kind) {
    case ExprKind::Null: e_.op(x.span, Op::Null); break;
    case ExprKind::Bool: e_.op(x.span, x.boolean ? Op::True : Op::False); break;
    case ExprKind::Number: e_.op(x.span, Op::Const, e_.constant({Constant::Kind::Number, x.number, ""}, x.span)); break;
    case ExprKind::Duration:
      e_.op(x.span, Op::Const, e_.constant({Constant::Kind::Duration, x.seconds(), ""}, x.span));
      break;
    case ExprKind::String: string(x, escape_holes); break;
    case ExprKind::List:
      for (const ExprId item : x.items) expr(item);
      e_.op(x.span, Op::MakeList, static_cast<uint32_t>(x.items.size()));
      break;
    case ExprKind::Object:
      for (size_t i = 0; i < x.items.size(); ++i) {
        e_.op(x.keys[i].span, Op::Const, e_.string(x.keys[i].text, x.keys[i].span));
        expr(x.items[i]);
      }
      e_.op(x.span, Op::MakeObject, static_cast<uint32_t>(x.items.size()));
      break;
    case ExprKind::Variable: variable(id, x); break;
    case ExprKind::Member: member(id, x); break;
    case ExprKind::Index:
      expr(x.operand);
      expr(x.items[0]);
      e_.op(x.span, Op::GetIndex);
      break;
    case ExprKind::Call:
      for (const ExprId arg : x.items) expr(arg);
      e_.op(x.span, Op::Call, e_.function(x.name.text, x.span), static_cast<uint8_t>(x.items.size()));
      break;
    case ExprKind::Unary:
      expr(x.operand);
      e_.op(x.span, x.unary_op == grammar::UnaryOp::Not ? Op::Not : Op::Negate);
      break;
    case ExprKind::Binary: binary(x); break;
  }
}

// A plain string is one constant; a string with holes pushes its pieces and concatenates.
void ExprGen::string(const Expr& x, bool escape_holes) {
  if (x.is_plain_string()) {
    // Most plain strings are one piece of text, interned without building a copy.
    const std::string_view text = x.parts.size() == 1 ? std::string_view(x.parts[0].text) : std::string_view();
    e_.op(x.span, Op::Const, x.parts.size() <= 1 ? e_.string(text, x.span) : e_.string(x.plain_text(), x.span));
    return;
  }
  uint32_t pieces = 0;
  for (const grammar::StringPart& part : x.parts) {
    if (part.hole == kNone) {
      if (part.text.empty()) continue;
      e_.op(part.span, Op::Const, e_.string(part.text, part.span));
    } else {
      expr(part.hole);
      if (escape_holes && !part.raw) e_.op(part.span, Op::EscapeHtml);
    }
    ++pieces;
  }
  e_.op(x.span, Op::Concat, pieces);
}

void ExprGen::field(const grammar::Span& span, std::string_view name) { e_.op(span, Op::GetField, e_.string(name, span)); }

void ExprGen::variable(ExprId id, const Expr& x) {
  const Binding b = unit_.bindings[id];
  switch (b.kind) {
    case BindingKind::Local: e_.op(x.span, Op::LoadLocal, b.slot); break;
    case BindingKind::Event: e_.op(x.span, Op::LoadEvent); break;
    case BindingKind::Reserved:
      e_.op(x.span, Op::LoadReserved);
      field(x.span, x.name.text);
      break;
    case BindingKind::ContactData:
      e_.op(x.span, Op::LoadContact);
      field(x.span, "data");
      field(x.span, x.name.text);
      break;
    case BindingKind::ContactField:
      e_.op(x.span, Op::LoadContact);
      field(x.span, x.name.text);
      break;
    default: e_.op(x.span, Op::LoadContact); break;  // `contact`
  }
}

void ExprGen::member(ExprId id, const Expr& x) {
  expr(x.operand);
  if (unit_.bindings[id].kind == BindingKind::EventData) field(x.span, "data");
  field(x.name.span, x.name.text);
}

namespace {

Op binary_op(BinaryOp op) {
  switch (op) {
    case BinaryOp::Eq: return Op::Eq;
    case BinaryOp::Ne: return Op::Ne;
    case BinaryOp::Lt: return Op::Lt;
    case BinaryOp::Le: return Op::Le;
    case BinaryOp::Gt: return Op::Gt;
    case BinaryOp::Ge: return Op::Ge;
    case BinaryOp::Add: return Op::Add;
    case BinaryOp::Sub: return Op::Sub;
    case BinaryOp::Mul: return Op::Mul;
    case BinaryOp::Div: return Op::Div;
    case BinaryOp::Mod: return Op::Mod;
    default: return Op::In;  // In; NotIn adds a Not
  }
}

// `and`, `or` and `??` evaluate their right side only when the left does not decide.
std::optional<Op> short_circuit(BinaryOp op) {
  switch (op) {
    case BinaryOp::And: return Op::JumpIfFalseKeep;
    case BinaryOp::Or: return Op::JumpIfTrueKeep;
    case BinaryOp::Coalesce: return Op::JumpIfNotNullKeep;
    default: return std::nullopt;
  }
}

}  // namespace

void ExprGen::binary(const Expr& x) {
  expr(x.operand);
  if (const auto jump = short_circuit(x.binary_op)) {
    const uint32_t skip = e_.jump(x.span, *jump);
    expr(x.items[0]);
    e_.patch(skip, e_.here());
    return;
  }
  expr(x.items[0]);
  e_.op(x.span, binary_op(x.binary_op));
  if (x.binary_op == BinaryOp::NotIn) e_.op(x.span, Op::Not);
}

}  // namespace flow::compiler
