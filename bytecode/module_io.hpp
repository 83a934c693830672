#pragma once
// The .flowb file format. Layout:
//
//   offset  size  field
//   0       8     magic "FLOWBC\r\n"
//   8       2     format version (kFormatVersion), little-endian
//   10      2     flags (0)
//   12      4     body length
//   16      8     checksum of the body: format 2, FNV-1a's step on 8-byte words with a
//                 xorshift (module_io.cpp, word_checksum); format 1, FNV-1a 64 of the bytes
//   24      ...   body: the Module's sections in declaration order, integers as LEB128,
//                 strings as length + bytes, doubles as 8 little-endian bytes
//
// The loader checks every length, index and code offset against what it read (including
// that each instruction's operands are in range and every jump lands on an instruction),
// so a corrupt or truncated file is an error, never a crash. Writing is deterministic:
// the same Module always gives the same bytes.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "bytecode/module.hpp"

namespace flow::bytecode {

// What serialize writes; deserialize reads both (flowd keeps the modules its waiting
// executions run, written by older builds).
inline constexpr uint16_t kFormatVersion = 2;
inline constexpr uint16_t kOldestFormatVersion = 1;

std::vector<uint8_t> serialize(const Module& module);
// The same bytes, lent to `consume` for the length of the call instead of copied into a
// vector of their own: `flowc build` writes them to its output file from there.
void serialize_into(const Module& module, const std::function<void(std::span<const uint8_t>)>& consume);

struct LoadError {
  std::string message;  // e.g. "checksum mismatch: the file is corrupt"
};

std::variant<Module, LoadError> deserialize(const std::vector<uint8_t>& bytes);

// Checks a module's internal consistency (operand ranges, jump targets, step and template
// references, stack depth on every path). Used by deserialize and by tests of the compiler.
std::vector<std::string> verify(const Module& module);

// FNV-1a 64 of the module's serialised bytes: the module's identity for frames.
uint64_t module_hash(const std::vector<uint8_t>& bytes);

}  // namespace flow::bytecode
