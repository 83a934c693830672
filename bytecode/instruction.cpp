#include "bytecode/instruction.hpp"

namespace flow::bytecode {

namespace {

uint32_t read_le(const std::vector<uint8_t>& code, size_t at, size_t bytes) {
  uint32_t value = 0;
  for (size_t i = 0; i < bytes; ++i) value |= static_cast<uint32_t>(code[at + i]) << (8 * i);
  return value;
}

}  // namespace

std::optional<Instruction> decode(const std::vector<uint8_t>& code, uint32_t offset) {
  if (offset >= code.size() || code[offset] >= op_count()) return std::nullopt;
  Instruction in;
  in.op = static_cast<Op>(code[offset]);
  in.size = static_cast<uint32_t>(instruction_size(in.op));
  if (code.size() - offset < in.size) return std::nullopt;
  const size_t operands = offset + 1;
  switch (op_info(in.op).shape) {
    case OperandShape::None: break;
    case OperandShape::U8: in.a = code[operands]; break;
    case OperandShape::U16: in.a = read_le(code, operands, 2); break;
    case OperandShape::U16U8:
      in.a = read_le(code, operands, 2);
      in.b = code[operands + 2];
      break;
    case OperandShape::Jump: in.a = read_le(code, operands, 4); break;
  }
  return in;
}

uint32_t pop_count(const Instruction& in) {
  switch (in.op) {
    case Op::MakeList:
    case Op::Concat: return in.a;
    case Op::MakeObject: return 2 * in.a;
    case Op::Call: return in.b;
    default: return static_cast<uint32_t>(op_info(in.op).pops);
  }
}

}  // namespace flow::bytecode
