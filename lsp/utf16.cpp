#include "lsp/utf16.hpp"

#include <algorithm>

namespace flow::lsp {

namespace {

// The length in bytes of the UTF-8 sequence that starts with `lead`, and its length in
// UTF-16 units: only 4-byte sequences (outside the BMP) need a surrogate pair.
uint32_t utf8_length(unsigned char lead) {
  if (lead < 0xC0) return 1;  // ASCII, or a stray continuation byte counted on its own
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

uint32_t utf16_length(unsigned char lead) { return lead >= 0xF0 ? 2 : 1; }

uint32_t line_start(std::string_view text, uint32_t line) {
  uint32_t offset = 0;
  for (; line > 0; --line) {
    const size_t newline = text.find('\n', offset);
    if (newline == std::string_view::npos) return static_cast<uint32_t>(text.size());
    offset = static_cast<uint32_t>(newline + 1);
  }
  return offset;
}

}  // namespace

Position to_position(const grammar::SourceFile& file, const grammar::Pos& pos) {
  const std::string_view line = file.line(pos.line);
  uint32_t units = 0;
  size_t i = 0;
  for (uint32_t column = 1; column < pos.column && i < line.size(); ++column) {
    const auto lead = static_cast<unsigned char>(line[i]);
    units += utf16_length(lead);
    i += utf8_length(lead);
  }
  return Position{pos.line - 1, units};
}

Range to_range(const grammar::SourceFile& file, const grammar::Span& span) {
  return Range{to_position(file, file.position(span.begin.offset)), to_position(file, file.position(span.end.offset))};
}

uint32_t to_offset(std::string_view text, Position position) {
  uint32_t i = line_start(text, position.line);
  for (uint32_t units = 0; units < position.character && i < text.size() && text[i] != '\n';) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') break;
    const auto lead = static_cast<unsigned char>(text[i]);
    units += utf16_length(lead);
    i += utf8_length(lead);
  }
  return std::min<uint32_t>(i, static_cast<uint32_t>(text.size()));
}

}  // namespace flow::lsp
