#include "grammar/ast.hpp"

#include <algorithm>

namespace flow::grammar {

void* Arena::allocate_in_new_block(size_t bytes, size_t align) {
  // Blocks of 16 KiB: a small file takes one, a large one a block per few hundred nodes.
  // A new block is aligned for anything (operator new), so the request fits at its start.
  constexpr size_t kBlock = size_t{16} << 10;
  const size_t size = std::max(kBlock, bytes);
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
  next_ = blocks_.back().get();
  left_ = size;
  return allocate(bytes, align);
}

double Expr::seconds() const {
  static constexpr double kSeconds[] = {1, 60, 3600, 86400, 604800};
  return number * kSeconds[static_cast<size_t>(unit)];
}

bool Expr::is_plain_string() const {
  return kind == ExprKind::String &&
         std::all_of(parts.begin(), parts.end(), [](const StringPart& part) { return part.hole == kNone; });
}

std::string Expr::plain_text() const {
  std::string text;
  for (const StringPart& part : parts) text.append(part.text);
  return text;
}

std::string_view unit_name(DurationUnit unit) {
  switch (unit) {
    case DurationUnit::Seconds: return "seconds";
    case DurationUnit::Minutes: return "minutes";
    case DurationUnit::Hours: return "hours";
    case DurationUnit::Days: return "days";
    case DurationUnit::Weeks: return "weeks";
  }
  return "seconds";
}

std::string_view binary_op_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return "or";
    case BinaryOp::And: return "and";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::In: return "in";
    case BinaryOp::NotIn: return "not in";
    case BinaryOp::Coalesce: return "??";
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
  }
  return "?";
}

}  // namespace flow::grammar
