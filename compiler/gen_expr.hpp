#pragma once
#include "compiler/emitter.hpp"
#include "compiler/program.hpp"

namespace flow::compiler {

// Code for expressions: leaves the expression's value on the stack. Names are read
// through the bindings of the names pass, so workflow and template scope differ only there.
class ExprGen {
 public:
  ExprGen(Emitter& emitter, const Unit& unit) : e_(emitter), unit_(unit), ast_(unit.ast) {}

  // `escape_holes`: HTML-escape the values of this string's own `{{ }}` holes (an html
  // body); holes of strings nested inside them are left alone, as the outer escape covers them.
  void expr(ExprId id, bool escape_holes = false);

  // `null` when the optional expression is absent.
  void expr_or_null(ExprId id, const grammar::Span& span);

 private:
  void string(const grammar::Expr& e, bool escape_holes);
  void variable(ExprId id, const grammar::Expr& e);
  void member(ExprId id, const grammar::Expr& e);
  void binary(const grammar::Expr& e);
  void field(const grammar::Span& span, std::string_view name);

  Emitter& e_;
  const Unit& unit_;
  const grammar::Ast& ast_;
};

}  // namespace flow::compiler
