#pragma once
// Writes instructions into a Module's code array, interning constants and functions and
// recording the source map as it goes. Operand layout follows opcodes.def (little-endian,
// widths by shape); the module's own decoder (bytecode/instruction.hpp) reads it back.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <cstring>

#include "bytecode/module.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

namespace flow::compiler {

class Emitter {
 public:
  Emitter(bytecode::Module& module, const grammar::SourceSet& sources, grammar::DiagnosticSink& sink);

  uint32_t here() const { return static_cast<uint32_t>(module_.code.size()); }

  // One instruction, attributed to `span` in the source map. Operands the shape of `op`
  // does not have are ignored.
  void op(const grammar::Span& span, bytecode::Op op, uint32_t a = 0, uint8_t b = 0);

  // A forward jump whose target is not known yet: returns where to patch() it later.
  uint32_t jump(const grammar::Span& span, bytecode::Op op);
  void patch(uint32_t jump_at, uint32_t target);

  // Indices into the module's tables; equal values share one entry.
  uint16_t constant(const bytecode::Constant& constant, const grammar::Span& span);
  uint16_t string(std::string_view text, const grammar::Span& span);
  uint16_t function(std::string_view name, const grammar::Span& span);

  // Where `span` begins, as the module records it. Inline: it runs for every instruction,
  // and only a change of file (rare) needs more than the cursor's step along the line.
  bytecode::SourceLoc loc(const grammar::Span& span) {
    if (span.file != last_file_) [[unlikely]] enter_file(span.file);
    const grammar::Pos begin = cursor_->position(span.begin.offset);
    return bytecode::SourceLoc{last_file_index_, begin.line, begin.column};
  }

 private:
  // Makes `file` the one loc() reads positions from, adding it to the module's files.
  [[gnu::noinline]] void enter_file(uint32_t file);
  // The source map gets an entry where the location changes from the previous instruction's.
  void map_source(const grammar::Span& span) {
    const bytecode::SourceLoc where = loc(span);
    auto& map = module_.source_map;
    if (map.empty() || map.back().second != where) map.emplace_back(here(), where);
  }

  // U16 operands limit each table to 65536 entries; past that the program is too large.
  uint16_t checked_index(size_t index, std::string_view table, const grammar::Span& span);

  bytecode::Module& module_;
  const grammar::SourceSet& sources_;
  grammar::DiagnosticSink& sink_;
  // Constants by value, hashed: a program uses constants thousands of times, and a lookup
  // by a view of the text copies it only when it is new.
  struct ConstantView {
    bytecode::Constant::Kind kind;
    double number;
    std::string_view text;
    bool operator==(const ConstantView&) const = default;
  };
  static size_t constant_hash(const ConstantView& c) {
    // std::hash<double> gives 0.0 and -0.0 one hash, as == treats them as one value.
    return text_hash(c.text) ^ (std::hash<double>{}(c.number) * 31 + static_cast<size_t>(c.kind));
  }
  // Constants are short: a multiply-xor over 8-byte words costs about half of
  // std::hash<std::string_view> (its murmur hash was 1.5 % of a build).
  static size_t text_hash(std::string_view text) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ text.size();
    size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      h = (h ^ word) * 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
    // The 1 to 7 bytes left, little-endian in the low bytes of `tail`. When the text is
    // long enough this loads the 8 bytes that end it and shifts out those already hashed:
    // one load, where copying a variable count of bytes is a call to memcpy.
    uint64_t tail = 0;
    const size_t left = text.size() - i;
    if (left > 0 && text.size() >= 8) {
      std::memcpy(&tail, text.data() + text.size() - 8, 8);
      tail >>= 8 * (8 - left);
    } else {
      // A text shorter than 8 bytes (most are: "data", field names) in at most three loads.
      size_t at = 0;
      for (const size_t chunk : {size_t{4}, size_t{2}, size_t{1}}) {
        if (left - at < chunk) continue;
        uint64_t part = 0;
        std::memcpy(&part, text.data() + at, chunk);
        tail |= part << (8 * at);
        at += chunk;
      }
    }
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
  uint16_t intern(const ConstantView& constant, const grammar::Span& span);
  void grow_constant_slots();

  // The constant table's index: open addressing over positions in module_.constants, at
  // most half full. std::unordered_map cost a division and a pointer chase per lookup and
  // kept a second copy of every text.
  struct ConstantSlot {
    static constexpr uint32_t kEmpty = UINT32_MAX;
    size_t hash = 0;
    uint32_t index = kEmpty;  // into module_.constants
  };
  std::vector<ConstantSlot> constant_slots_;
  std::map<std::string, uint16_t, std::less<>> functions_;
  std::map<uint32_t, uint32_t> files_;  // SourceSet file id -> Module::files index
  // The last file looked up in files_: consecutive instructions almost always come from
  // the same file, and loc() runs for every instruction.
  uint32_t last_file_ = UINT32_MAX;
  uint32_t last_file_index_ = 0;
  std::optional<grammar::PositionCursor> cursor_;  // over the last file: line and column of its spans
  bool too_large_ = false;
};

}  // namespace flow::compiler
