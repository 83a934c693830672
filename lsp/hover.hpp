#pragma once
#include <optional>

#include "lsp/document.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

// What the thing under the cursor is: a template (its type and subject), a label or local
// (where it is defined), a function of the standard library (signature and doc), a
// duration (in seconds) or a keyword (what it does). Nothing inside strings and comments.
std::optional<Hover> hover(const Document& document, Position position);

// "259,200 s": a length in seconds with thousands separators.
std::string seconds_text(double seconds);

}  // namespace flow::lsp
