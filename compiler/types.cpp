// The types pass: a static type for every expression where it is certain (literals,
// operators, known fields, function results), so a mistake that would fail every time it
// runs — `"a" - 1`, `-"x"`, `delay 5` — is a compile error. Anything that depends on data
// (contact data, event data, locals) has type Any and is never reported.
#include <cmath>
#include <optional>

#include "compiler/program.hpp"
#include "compiler/text.hpp"
#include "stdlib/functions.hpp"

namespace flow::compiler {

using grammar::BinaryOp;
using grammar::DiagnosticKind;
using grammar::Expr;
using grammar::ExprKind;
using grammar::Stmt;
using grammar::StmtKind;

namespace {

enum class Type : uint8_t { Any, Null, Bool, Number, String, Duration, Time, List, Object };

std::string_view type_name(Type type) {
  switch (type) {
    case Type::Any: return "a value";
    case Type::Null: return "null";
    case Type::Bool: return "a boolean";
    case Type::Number: return "a number";
    case Type::String: return "a string";
    case Type::Duration: return "a duration";
    case Type::Time: return "a time";
    case Type::List: return "a list";
    case Type::Object: return "an object";
  }
  return "a value";
}

// A function's result type, read from the `-> type` of its signature in functions.def.
Type result_type(std::string_view signature) {
  const size_t arrow = signature.rfind("-> ");
  const std::string_view result = arrow == std::string_view::npos ? "" : signature.substr(arrow + 3);
  if (result == "string") return Type::String;
  if (result == "number") return Type::Number;
  if (result == "bool") return Type::Bool;
  if (result == "list") return Type::List;
  if (result == "time") return Type::Time;
  return Type::Any;
}

Type field_type(BindingKind object, std::string_view field) {
  if (object == BindingKind::Contact) {
    if (field == "email" || field == "id") return Type::String;
    if (field == "subscribed") return Type::Bool;
    if (field == "data") return Type::Object;
  } else if (object == BindingKind::Event) {
    if (field == "name") return Type::String;
    if (field == "data") return Type::Object;
    if (field == "at") return Type::Time;
  }
  return Type::Any;
}

// The result of an arithmetic operator on two known types; nullopt when the VM would
// always fail. Any or null on either side could be anything at run time.
std::optional<Type> arithmetic(BinaryOp op, Type l, Type r) {
  using enum Type;
  if (l == Any || r == Any || l == Null || r == Null) return Any;
  const auto is = [&](Type a, Type b) { return l == a && r == b; };
  switch (op) {
    case BinaryOp::Add:
      if (is(Number, Number) || is(String, String) || is(Duration, Duration)) return l;
      if (is(Time, Duration) || is(Duration, Time)) return Time;
      break;
    case BinaryOp::Sub:
      if (is(Number, Number) || is(Duration, Duration) || is(Time, Duration)) return l;
      if (is(Time, Time)) return Duration;
      break;
    case BinaryOp::Mul:
      if (is(Number, Number)) return Number;
      if (is(Duration, Number) || is(Number, Duration)) return Duration;
      break;
    case BinaryOp::Div:
      if (is(Number, Number) || is(Duration, Duration)) return Number;
      if (is(Duration, Number)) return Duration;
      break;
    case BinaryOp::Mod:
      if (is(Number, Number)) return Number;
      break;
    default: break;
  }
  return std::nullopt;
}

bool is_known(Type t) { return t != Type::Any && t != Type::Null; }

bool is_ordered(Type t) {
  return t == Type::Any || t == Type::Null || t == Type::Number || t == Type::String || t == Type::Time ||
         t == Type::Duration;
}

class TypeChecker {
 public:
  TypeChecker(Program& program, const Unit& unit) : program_(program), unit_(unit), ast_(unit.ast) {}

  Type expr(ExprId id) {
    const Expr& e = ast_.expr(id);
    switch (e.kind) {
      case ExprKind::Null: return Type::Null;
      case ExprKind::Bool: return Type::Bool;
      case ExprKind::Number: return Type::Number;
      case ExprKind::Duration: return Type::Duration;
      case ExprKind::String:
        for (const auto& part : e.parts) {
          if (part.hole != kNone) expr(part.hole);
        }
        return Type::String;
      case ExprKind::List: children(e); return Type::List;
      case ExprKind::Object: children(e); return Type::Object;
      case ExprKind::Variable: return Type::Any;
      case ExprKind::Member:
        expr(e.operand);
        return field_type(unit_.bindings[e.operand].kind, e.name.text);
      case ExprKind::Index:
        expr(e.operand);
        children(e);
        return Type::Any;
      case ExprKind::Call: {
        children(e);
        const auto f = stdlib::find_function(e.name.text);
        return f ? result_type(stdlib::function_table()[*f].signature) : Type::Any;
      }
      case ExprKind::Unary: return unary(e);
      case ExprKind::Binary: return binary(e);
    }
    return Type::Any;
  }

  // A value that must have type `wanted` (or be unknown until run time).
  void require(ExprId id, Type wanted, std::string_view what) {
    const Type t = expr(id);
    if (t != Type::Any && t != wanted) {
      mismatch(ast_.expr(id).span, std::string(what) + " must be " + std::string(type_name(wanted)) + ", found " +
                                       std::string(type_name(t)));
    }
  }

  // How long a delay, wait or webhook timeout lasts: the grammar only allows a duration
  // literal there, and it must be positive and at most Options::max_duration_seconds.
  void duration(ExprId id) {
    const Expr& literal = ast_.expr(id);
    if (literal.seconds() <= 0) {
      report(DiagnosticKind::InvalidDuration, literal.span, "a duration must be longer than zero");
    } else if (literal.seconds() > program_.options.max_duration_seconds) {
      report(DiagnosticKind::InvalidDuration, literal.span,
             quote(source_text(program_.sources, literal.span)) + " is longer than the longest allowed, " +
                 seconds_text(program_.options.max_duration_seconds));
    }
  }

  void stmt(const Stmt& s) {
    switch (s.kind) {
      case StmtKind::Delay: duration(s.expr); break;
      case StmtKind::Wait:
        constant_string(program_, ast_.expr(s.expr), "the event name of `wait for`");
        duration(s.expr2);
        break;
      case StmtKind::If:
        for (const ExprId c : s.conditions) expr(c);
        break;
      case StmtKind::Webhook: webhook(s); break;
      case StmtKind::Exit:
        if (s.expr != kNone) expr(s.expr);
        break;
      case StmtKind::Update:
      case StmtKind::Let:
      case StmtKind::Assign: expr(s.expr); break;
      case StmtKind::Send:
      case StmtKind::Label:
      case StmtKind::Goto: break;
    }
    for (const grammar::Block& block : s.blocks) {
      for (const StmtId id : block) stmt(ast_.stmt(id));
    }
  }

 private:
  void report(DiagnosticKind kind, const grammar::Span& span, std::string message) {
    program_.sink.report(kind, span, std::move(message));
  }
  void mismatch(const grammar::Span& span, std::string message) {
    report(DiagnosticKind::TypeMismatch, span, std::move(message));
  }

  void children(const Expr& e) {
    for (const ExprId item : e.items) expr(item);
  }

  Type unary(const Expr& e) {
    const Type t = expr(e.operand);
    if (e.unary_op == grammar::UnaryOp::Not) return Type::Bool;
    if (t == Type::Any || t == Type::Null || t == Type::Number || t == Type::Duration) return t;
    mismatch(e.span, "`-` needs a number or a duration, found " + std::string(type_name(t)));
    return Type::Any;
  }

  Type binary(const Expr& e) {
    const Type l = expr(e.operand);
    const Type r = expr(e.items[0]);
    // Only a mismatch needs the operator's text.
    const auto op = [&] { return quote(grammar::binary_op_text(e.binary_op)); };
    switch (e.binary_op) {
      case BinaryOp::Or:
      case BinaryOp::And: return l == r ? l : Type::Any;
      case BinaryOp::Coalesce: return l == Type::Null ? r : l == r ? l : Type::Any;
      case BinaryOp::Eq:
      case BinaryOp::Ne: return Type::Bool;
      case BinaryOp::Lt:
      case BinaryOp::Le:
      case BinaryOp::Gt:
      case BinaryOp::Ge:
        if (!is_ordered(l) || !is_ordered(r)) {
          mismatch(e.span, op() + " compares numbers, strings, times or durations, found " +
                               std::string(type_name(is_ordered(l) ? r : l)));
        } else if (l != r && is_known(l) && is_known(r)) {
          mismatch(e.span, "cannot compare " + std::string(type_name(l)) + " with " + std::string(type_name(r)));
        }
        return Type::Bool;
      case BinaryOp::In:
      case BinaryOp::NotIn:
        if (r != Type::Any && r != Type::Null && r != Type::String && r != Type::List && r != Type::Object) {
          mismatch(e.span, op() + " looks in a list, a string or an object, found " + std::string(type_name(r)));
        }
        return Type::Bool;
      default: break;
    }
    if (const auto result = arithmetic(e.binary_op, l, r)) return *result;
    if (const auto number = number_for_duration(e, l, r)) {
      report(DiagnosticKind::InvalidDuration, ast_.expr(*number).span,
             "expected a duration like `5 minutes`, found a number");
      return Type::Any;
    }
    std::string hint;
    if (e.binary_op == BinaryOp::Add && (l == Type::String || r == Type::String)) {
      hint = "; to build text, put the values in one string: \"{{ a }} {{ b }}\"";
    }
    mismatch(e.span, op() + " cannot combine " + std::string(type_name(l)) + " and " + std::string(type_name(r)) + hint);
    return Type::Any;
  }

  // `now() + 5` or `5 minutes - 1`: a bare number where adding or subtracting a duration
  // was meant; returns the number's side.
  std::optional<ExprId> number_for_duration(const Expr& e, Type l, Type r) const {
    if (e.binary_op != BinaryOp::Add && e.binary_op != BinaryOp::Sub) return std::nullopt;
    const auto timely = [](Type t) { return t == Type::Time || t == Type::Duration; };
    if (timely(l) && r == Type::Number) return e.items[0];
    if (l == Type::Number && timely(r)) return e.operand;
    return std::nullopt;
  }

  void webhook(const Stmt& s) {
    require(s.expr, Type::String, "the url of `webhook`");
    for (const ExprId option : {s.webhook.headers, s.webhook.body}) {
      if (option != kNone) expr(option);
    }
    if (s.webhook.timeout != kNone) duration(s.webhook.timeout);
    if (s.webhook.retries == kNone) return;
    const Expr& retries = ast_.expr(s.webhook.retries);
    if (retries.number < 0 || retries.number != std::floor(retries.number)) {
      report(DiagnosticKind::InvalidValue, retries.span, "`retries` must be a whole number, 0 or more");
    }
  }

  Program& program_;
  const Unit& unit_;
  const grammar::Ast& ast_;
};

}  // namespace

void check_types(Program& program) {
  for (const TemplateDecl& t : program.templates) {
    TypeChecker checker(program, program.units[t.unit]);
    for (const ExprId part : t.parts) {
      if (part != kNone) checker.expr(part);
    }
  }
  for (const WorkflowDecl& w : program.workflows) {
    TypeChecker checker(program, program.units[w.unit]);
    for (const StmtId id : program.syntax(w).body) checker.stmt(program.units[w.unit].ast.stmt(id));
  }
}

}  // namespace flow::compiler
