#pragma once
// Formatting a document as `flowc fmt` would.
#include <vector>

#include "lsp/document.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

// One edit that replaces the whole text with its canonical layout; none when the text is
// already formatted, or when it has syntax errors (formatting what did parse would drop
// the rest).
std::vector<TextEdit> format_document(const Document& document);

}  // namespace flow::lsp
