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

// An end of a Span: a byte offset. Its line and column are computed only when something
// shows them (a diagnostic, the source map, the editor), by SourceFile::position, so the
// parser does not look them up for every node.
struct Offset {
  uint32_t offset = 0;
};

struct Span {
  uint32_t file = 0;
  Offset begin;
  Offset end;
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
  // Where a 1-based line begins and where the next one does (past the end for the last),
  // and whether its column is its byte column (the line is all ASCII).
  struct LineExtent {
    uint32_t begin = 0;
    uint32_t next = 0;
    bool ascii = false;
  };
  LineExtent line_extent(uint32_t line) const {
    const bool last = line >= line_starts_.size();
    return LineExtent{line_starts_[line - 1], last ? UINT32_MAX : line_starts_[line], line_is_ascii_[line - 1] != 0};
  }

 private:
  uint32_t line_of(uint32_t offset, uint32_t line_hint) const;
  uint32_t code_points_before(uint32_t offset) const;

  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  // Per line (0-based): whether it is all ASCII, where the code-point column is simply
  // the byte column. Most source lines are.
  std::vector<uint8_t> line_is_ascii_;
  // Only for text with non-ASCII bytes: code points before each 64-byte chunk, so the
  // column on a long non-ASCII line (a one-line template with many holes) costs at most
  // 64 bytes of counting instead of the whole line.
  std::vector<uint32_t> chunk_code_points_;
};

// Positions of offsets asked for mostly in source order (the emitter's source map): the
// line of the last answer is tried first, and on an ASCII line the column is then a
// subtraction.
class PositionCursor {
 public:
  explicit PositionCursor(const SourceFile& file) : file_(&file) {}
  const SourceFile& file() const { return *file_; }
  Pos position(uint32_t offset) {
    if (offset >= line_.begin && offset < line_.next && line_.ascii && offset <= file_->text().size()) {
      return Pos{offset, line_number_, 1 + offset - line_.begin};
    }
    const Pos pos = file_->position(offset, line_number_);
    line_number_ = pos.line;
    line_ = file_->line_extent(pos.line);
    return pos;
  }

 private:
  const SourceFile* file_;
  uint32_t line_number_ = 1;
  SourceFile::LineExtent line_;  // of line_number_, once a position has been asked for
};

// All files of one compilation; a Span's `file` indexes into it.
class SourceSet {
 public:
  uint32_t add(std::string name, std::string text);
  const SourceFile& file(uint32_t id) const { return files_.at(id); }
  // Where a Span begins and ends, as line and column.
  Pos begin(const Span& span) const { return file(span.file).position(span.begin.offset); }
  Pos end(const Span& span) const { return file(span.file).position(span.end.offset); }
  uint32_t size() const { return static_cast<uint32_t>(files_.size()); }

 private:
  std::vector<SourceFile> files_;
};

// Code points in a UTF-8 byte range (continuation bytes are not counted).
uint32_t count_code_points(std::string_view text);

}  // namespace flow::grammar
