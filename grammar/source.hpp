#pragma once
// Source text and positions. Every AST node and every diagnostic carries a Span, so
// messages, the disassembler's source map and the editor all point at the same place.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flow::grammar {

// Line and column are 1-based; the column counts Unicode code points, not bytes, so a
// caret lines up under the character a person sees.
struct Pos {
  uint32_t offset = 0;
  uint32_t line = 1;
  uint32_t column = 1;
};

struct Span {
  uint32_t file = 0;
  Pos begin;
  Pos end;
};

class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // The text of a 1-based line without its line terminator; empty past the end.
  std::string_view line(uint32_t line) const;
  // Line and column of a byte offset (clamped to the text). `line_hint` is a guess of the
  // line, such as that of the previous lookup: a parser asks about offsets in order, so
  // the guess saves the binary search over the lines most of the time.
  Pos position(uint32_t offset, uint32_t line_hint = 0) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  uint32_t line_of(uint32_t offset, uint32_t line_hint) const;
  uint32_t code_points_before(uint32_t offset) const;

  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  // Per line (0-based): whether it is all ASCII, where the code-point column is simply
  // the byte column. Most source lines are.
  std::vector<bool> line_is_ascii_;
  // Only for text with non-ASCII bytes: code points before each 64-byte chunk, so the
  // column on a long non-ASCII line (a one-line template with many holes) costs at most
  // 64 bytes of counting instead of the whole line.
  std::vector<uint32_t> chunk_code_points_;
};

// All files of one compilation; a Span's `file` indexes into it.
class SourceSet {
 public:
  uint32_t add(std::string name, std::string text);
  const SourceFile& file(uint32_t id) const { return files_.at(id); }
  uint32_t size() const { return static_cast<uint32_t>(files_.size()); }

 private:
  std::vector<SourceFile> files_;
};

// Code points in a UTF-8 byte range (continuation bytes are not counted).
uint32_t count_code_points(std::string_view text);

}  // namespace flow::grammar
