#pragma once
// The document's outline: templates, and workflows with their steps (the steps of `if`
// and `wait` branches nested under them).
#include <vector>

#include "lsp/document.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

std::vector<DocumentSymbol> document_symbols(const Document& document);

}  // namespace flow::lsp
