#include "grammar/source.hpp"

#include <algorithm>
#include <cstring>

namespace flow::grammar {

uint32_t count_code_points(std::string_view text) {
  return static_cast<uint32_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

namespace {
constexpr uint32_t kChunk = 64;

// Whether [begin, end) is all ASCII, eight bytes at a time.
bool is_ascii(const char* begin, const char* end) {
  uint64_t high_bits = 0;
  for (; end - begin >= 8; begin += 8) {
    uint64_t word;
    std::memcpy(&word, begin, sizeof word);
    high_bits |= word;
  }
  for (; begin != end; ++begin) high_bits |= static_cast<unsigned char>(*begin);
  return (high_bits & 0x8080808080808080ull) == 0;
}
}  // namespace

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  const uint32_t size = static_cast<uint32_t>(text_.size());
  // Most sources are ASCII throughout: one pass over the whole text settles every line,
  // and only a text with other bytes has its lines checked one by one.
  const bool all_ascii = is_ascii(text_.data(), text_.data() + size);
  bool any_non_ascii = false;
  uint32_t begin = 0;
  while (true) {
    const void* newline = std::memchr(text_.data() + begin, '\n', size - begin);
    const uint32_t end = newline ? static_cast<uint32_t>(static_cast<const char*>(newline) - text_.data()) : size;
    const bool ascii = all_ascii || is_ascii(text_.data() + begin, text_.data() + end);
    any_non_ascii |= !ascii;
    line_starts_.push_back(begin);
    line_is_ascii_.push_back(ascii);
    if (!newline) break;
    begin = end + 1;
  }
  if (!any_non_ascii) return;
  uint32_t code_points = 0;
  for (uint32_t i = 0; i <= size; ++i) {
    if (i % kChunk == 0) chunk_code_points_.push_back(code_points);
    if (i == size) break;
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++code_points;
  }
}

std::string_view SourceFile::line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<uint32_t>(text_.size());
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

// The 1-based line holding `offset`: the hint or one of the few lines after or before it
// when one of them holds it (a jump back to the `if` after its block, on to the next
// statement), otherwise a binary search.
uint32_t SourceFile::line_of(uint32_t offset, uint32_t line_hint) const {
  constexpr uint32_t kNear = 8;
  const uint32_t lines = static_cast<uint32_t>(line_starts_.size());
  if (line_hint >= 1 && line_hint <= lines) {
    if (offset >= line_starts_[line_hint - 1]) {
      // Each line tried begins at or before `offset`; it holds it if the next begins after.
      for (uint32_t line = line_hint; line < lines && line < line_hint + kNear; ++line) {
        if (offset < line_starts_[line]) return line;
      }
    } else {
      // Each line tried ends before the start of the one after it, which is past `offset`.
      for (uint32_t line = line_hint - 1; line >= 1 && line + kNear > line_hint; --line) {
        if (offset >= line_starts_[line - 1]) return line;
      }
    }
  }
  const auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<uint32_t>(next - line_starts_.begin());
}

uint32_t SourceFile::code_points_before(uint32_t offset) const {
  const uint32_t chunk = offset / kChunk;
  return chunk_code_points_[chunk] +
         count_code_points(std::string_view(text_).substr(chunk * kChunk, offset - chunk * kChunk));
}

Pos SourceFile::position(uint32_t offset, uint32_t line_hint) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  const uint32_t line = line_of(offset, line_hint);
  const uint32_t start = line_starts_[line - 1];
  const uint32_t column =
      line_is_ascii_[line - 1] ? offset - start : code_points_before(offset) - code_points_before(start);
  return Pos{offset, line, 1 + column};
}

uint32_t SourceSet::add(std::string name, std::string text) {
  files_.emplace_back(std::move(name), std::move(text));
  return static_cast<uint32_t>(files_.size() - 1);
}

}  // namespace flow::grammar
