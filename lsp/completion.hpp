#pragma once
// Completion at a cursor, decided by the text before it on its line: event names inside
// `on "` and `wait for "`, fields after `contact.data.`, templates after `send`, labels
// after `goto`, and otherwise keywords, step snippets, functions and the workflow's locals.
#include <vector>

#include "lsp/document.hpp"
#include "lsp/facts.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

// `workspace` supplies the event names and data fields used anywhere in the workspace.
std::vector<CompletionItem> complete(const Document& document, Position position, const Facts& workspace);

}  // namespace flow::lsp
