#pragma once
// What is under the cursor in the syntax tree and in the text: shared by hover and
// completion.
#include <cstdint>
#include <string_view>

#include "grammar/ast.hpp"
#include "lsp/document.hpp"

namespace flow::lsp {

// The innermost expression whose text holds the byte at `offset`, or kNone.
grammar::ExprId expr_at(const Document& document, uint32_t offset);

// Whether `offset` is inside a `//` comment.
bool in_comment(const Document& document, uint32_t offset);

// The identifier-like word around `offset` (empty when there is none), and where it starts.
struct Word {
  std::string_view text;
  uint32_t begin = 0;
};
Word word_at(std::string_view text, uint32_t offset);

// The first line of `text`, without a block's `{` at its end: `wait for "x" within 1 day`
// for a whole `wait` statement.
std::string_view first_line(std::string_view text);

}  // namespace flow::lsp
