#pragma once
// Decoding one instruction from a code array: the verifier, the disassembler and the graph
// renderer all read code through this, so operand layout is written down exactly once
// (besides the compiler's emitter, which writes it).
#include <cstdint>
#include <optional>
#include <vector>

#include "bytecode/module.hpp"

namespace flow::bytecode {

struct Instruction {
  Op op = Op::Null;
  uint32_t a = 0;  // U8, U16, the U16 of U16U8, or a Jump target
  uint8_t b = 0;   // the U8 of U16U8 (Call's argc)
  uint32_t size = 1;
};

// nullopt when the opcode is unknown or the operands run past the end of `code`.
std::optional<Instruction> decode(const std::vector<uint8_t>& code, uint32_t offset);

// How many values an instruction pops, with operand-dependent counts resolved.
uint32_t pop_count(const Instruction& instruction);

}  // namespace flow::bytecode
