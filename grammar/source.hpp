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
  Pos position(uint32_t offset) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
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
