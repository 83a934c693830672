#include "lsp/syntax_at.hpp"

#include "lsp/ast_walk.hpp"

namespace flow::lsp {

namespace {

bool holds(const grammar::Span& span, uint32_t offset) {
  return span.begin.offset <= offset && offset < span.end.offset;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

grammar::ExprId expr_at(const Document& document, uint32_t offset) {
  const grammar::Ast& ast = document.ast();
  // Siblings never overlap and parents come before children, so the last expression
  // that holds the offset is the innermost one.
  grammar::ExprId found = grammar::kNone;
  const auto visit = [&](grammar::ExprId id) {
    if (holds(ast.expr(id).span, offset)) found = id;
  };
  for (const grammar::Template& item : ast.templates) {
    if (item.span.begin.offset <= offset) for_each_expr(ast, item, visit);
  }
  for (const grammar::Workflow& item : ast.workflows) {
    if (item.span.begin.offset <= offset) for_each_expr(ast, item, visit);
  }
  return found;
}

bool in_comment(const Document& document, uint32_t offset) {
  for (const grammar::Comment& comment : document.ast().comments) {
    if (holds(comment.span, offset)) return true;
  }
  return false;
}

Word word_at(std::string_view text, uint32_t offset) {
  uint32_t begin = offset;
  while (begin > 0 && is_word_char(text[begin - 1])) --begin;
  uint32_t end = offset;
  while (end < text.size() && is_word_char(text[end])) ++end;
  return Word{text.substr(begin, end - begin), begin};
}

std::string_view first_line(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  if (text.ends_with('{')) text.remove_suffix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace flow::lsp
