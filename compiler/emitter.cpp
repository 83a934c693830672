#include "compiler/emitter.hpp"

#include <algorithm>

namespace flow::compiler {

using bytecode::Op;
using bytecode::OperandShape;

namespace {

// Operand shapes by opcode, expanded from the same list as bytecode::op_info
// (opcodes.def), so that op() reads one byte instead of calling into the bytecode library
// for each of the tens of thousands of instructions a large program has.
constexpr OperandShape kOperandShapes[] = {
#define FLOW_OP(Name, Shape, pops, pushes, doc) OperandShape::Shape,
#include "bytecode/opcodes.def"
};

}  // namespace

Emitter::Emitter(bytecode::Module& module, const grammar::SourceSet& sources, grammar::DiagnosticSink& sink)
    : module_(module), sources_(sources), sink_(sink) {}

void Emitter::enter_file(uint32_t file) {
  // try_emplace, not emplace: emplace would allocate a node on every call just to find
  // the file is known already.
  const auto [it, inserted] = files_.try_emplace(file, static_cast<uint32_t>(module_.files.size()));
  if (inserted) module_.files.push_back(sources_.file(file).name());
  last_file_ = file;
  last_file_index_ = it->second;
  cursor_.emplace(sources_.file(file));
}

void Emitter::op(const grammar::Span& span, Op op, uint32_t a, uint8_t b) {
  map_source(span);
  auto& code = module_.code;
  code.push_back(static_cast<uint8_t>(op));
  auto write = [&](uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) code.push_back(static_cast<uint8_t>(value >> (8 * i)));
  };
  switch (kOperandShapes[static_cast<size_t>(op)]) {
    case OperandShape::None: break;
    case OperandShape::U8: write(a, 1); break;
    case OperandShape::U16: write(a, 2); break;
    case OperandShape::U16U8:
      write(a, 2);
      write(b, 1);
      break;
    case OperandShape::Jump: write(a, 4); break;
  }
}

uint32_t Emitter::jump(const grammar::Span& span, Op op) {
  const uint32_t at = here();
  this->op(span, op, 0);
  return at;
}

void Emitter::patch(uint32_t jump_at, uint32_t target) {
  for (int i = 0; i < 4; ++i) module_.code[jump_at + 1 + i] = static_cast<uint8_t>(target >> (8 * i));
}

uint16_t Emitter::checked_index(size_t index, std::string_view table, const grammar::Span& span) {
  if (index <= UINT16_MAX) return static_cast<uint16_t>(index);
  if (!too_large_) {
    too_large_ = true;
    sink_.report(grammar::DiagnosticKind::TooLarge, span,
                 "the program needs more than 65536 " + std::string(table) + "; split it into several modules");
  }
  return 0;
}

uint16_t Emitter::intern(const ConstantView& c, const grammar::Span& span) {
  if (2 * (module_.constants.size() + 1) > constant_slots_.size()) grow_constant_slots();
  const size_t hash = constant_hash(c);
  const size_t mask = constant_slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    ConstantSlot& slot = constant_slots_[i];
    if (slot.index == ConstantSlot::kEmpty) {
      slot = ConstantSlot{hash, static_cast<uint32_t>(module_.constants.size())};
      module_.constants.push_back(bytecode::Constant{c.kind, c.number, std::string(c.text)});
      return checked_index(slot.index, "constants", span);
    }
    const bytecode::Constant& known = module_.constants[slot.index];
    if (slot.hash == hash && ConstantView{known.kind, known.number, known.string} == c) {
      return checked_index(slot.index, "constants", span);
    }
  }
}

void Emitter::grow_constant_slots() {
  std::vector<ConstantSlot> old = std::move(constant_slots_);
  constant_slots_.assign(std::max<size_t>(256, 2 * old.size()), ConstantSlot{});
  const size_t mask = constant_slots_.size() - 1;
  for (const ConstantSlot& slot : old) {
    if (slot.index == ConstantSlot::kEmpty) continue;
    size_t i = slot.hash & mask;
    while (constant_slots_[i].index != ConstantSlot::kEmpty) i = (i + 1) & mask;
    constant_slots_[i] = slot;
  }
}

uint16_t Emitter::constant(const bytecode::Constant& c, const grammar::Span& span) {
  return intern(ConstantView{c.kind, c.number, c.string}, span);
}

uint16_t Emitter::string(std::string_view text, const grammar::Span& span) {
  return intern(ConstantView{bytecode::Constant::Kind::String, 0, text}, span);
}

uint16_t Emitter::function(std::string_view name, const grammar::Span& span) {
  const auto it = functions_.find(name);
  if (it != functions_.end()) return it->second;
  const uint16_t index = checked_index(module_.functions.size(), "functions", span);
  functions_.emplace(std::string(name), index);
  module_.functions.emplace_back(name);
  return index;
}

}  // namespace flow::compiler
