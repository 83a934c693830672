#include "compiler/emitter.hpp"

namespace flow::compiler {

using bytecode::Op;
using bytecode::OperandShape;

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
  switch (bytecode::op_info(op).shape) {
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
  if (const auto it = constants_.find(c); it != constants_.end()) return it->second;
  const uint16_t index = checked_index(module_.constants.size(), "constants", span);
  module_.constants.push_back(bytecode::Constant{c.kind, c.number, std::string(c.text)});
  constants_.emplace(ConstantKey{c.kind, c.number, std::string(c.text)}, index);
  return index;
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
