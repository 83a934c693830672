#pragma once
// Between the compiler's positions (1-based line, column in code points, byte offset) and
// the editor's (0-based line, column in UTF-16 code units). The two columns differ on any
// line with text outside the Basic Multilingual Plane (an emoji is one code point but two
// UTF-16 units), and bytes differ from both on any non-ASCII line.
#include <string_view>

#include "grammar/source.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

Position to_position(const grammar::SourceFile& file, const grammar::Pos& pos);
Range to_range(const grammar::SourceFile& file, const grammar::Span& span);

// The byte offset of `position` in `text`. A character past the end of its line means the
// end of the line, and a line past the end of the text means the end of the text, as LSP
// asks.
uint32_t to_offset(std::string_view text, Position position);

}  // namespace flow::lsp
