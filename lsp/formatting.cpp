#include "lsp/formatting.hpp"

#include "grammar/format.hpp"

namespace flow::lsp {

std::vector<TextEdit> format_document(const Document& document) {
  if (document.has_syntax_errors()) return {};
  std::string formatted = grammar::format(document.ast(), document.file());
  if (formatted == document.text()) return {};
  const auto size = static_cast<uint32_t>(document.text().size());
  return {TextEdit{document.range_between(0, size), std::move(formatted)}};
}

}  // namespace flow::lsp
