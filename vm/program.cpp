#include "vm/program.hpp"

#include <algorithm>

#include "bytecode/instruction.hpp"
#include "bytecode/module_io.hpp"
#include "stdlib/functions.hpp"

namespace flow::vm {

namespace {

using bytecode::Op;
using stdlib::Value;

bool suspends(Op op) {
  return op == Op::Send || op == Op::Delay || op == Op::Wait || op == Op::Webhook || op == Op::Update;
}

bool is_comparison(Op op) {
  return op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

}  // namespace

std::variant<Program, Program::Error> Program::load(bytecode::Module module) {
  if (auto problems = bytecode::verify(module); !problems.empty()) return Error{join_lines(problems)};
  Program program;
  program.hash_ = bytecode::module_hash(bytecode::serialize(module));

  // verify() checked every name, argument count, operand and jump; what is left is to bind.
  for (const std::string& name : module.functions) program.natives_.push_back(stdlib::natives()[*stdlib::find_function(name)]);
  for (uint32_t pc = 0; pc < module.code.size();) {
    const bytecode::Instruction in = *bytecode::decode(module.code, pc);
    pc += in.size;
    if (suspends(in.op)) program.resume_points_.emplace_back(pc, in.op);
  }

  for (const bytecode::Constant& c : module.constants) {
    Value& v = program.constants_.emplace_back();
    switch (c.kind) {
      case bytecode::Constant::Kind::Number: v = Value::number(c.number); break;
      case bytecode::Constant::Kind::Duration: v = Value::duration(c.number); break;
      case bytecode::Constant::Kind::String: v = Value::key(c.string); break;  // field names match by pointer
    }
    v.make_immortal();
  }
  program.module_ = std::move(module);
  program.fuse();
  return program;
}

// Finds the sequences of Fused (program.hpp) greedily, front to back, and writes each one's
// opcode and descriptor index over its first bytes in code_.
void Program::fuse() {
  const bytecode::Module& m = module_;
  code_ = m.code;

  std::vector<bytecode::Instruction> ins;
  std::vector<uint32_t> at;  // offset of ins[i]; at[ins.size()] is the end of the code
  for (uint32_t pc = 0; pc < m.code.size();) {
    ins.push_back(*bytecode::decode(m.code, pc));
    at.push_back(pc);
    pc += ins.back().size;
  }
  at.push_back(static_cast<uint32_t>(m.code.size()));

  // Where control can arrive other than from the instruction before: no sequence may
  // contain such a place past its start.
  std::vector<bool> entered(m.code.size() + 1, false);
  for (const bytecode::Instruction& in : ins) {
    if (bytecode::op_info(in.op).shape == bytecode::OperandShape::Jump) entered[in.a] = true;
  }
  for (const bytecode::Workflow& w : m.workflows) entered[w.entry] = true;
  for (const bytecode::Template& t : m.templates) {
    for (const uint32_t part : {t.subject, t.from, t.reply_to, t.html, t.text}) {
      if (part != bytecode::kNoPart) entered[part] = true;
    }
  }
  for (const auto& [pc, op] : resume_points_) entered[pc] = true;

  // ins[j] exists, is `op` (or a comparison) and can continue a sequence.
  auto continues = [&](size_t j, Op op) { return j < ins.size() && ins[j].op == op && !entered[at[j]]; };
  auto compares = [&](size_t j) { return j < ins.size() && is_comparison(ins[j].op) && !entered[at[j]]; };

  using Source = Superinstruction::Source;
  for (size_t i = 0; i < ins.size() && superinstructions_.size() <= UINT16_MAX;) {
    Superinstruction s;
    Fused kind = Fused::Path;
    size_t j = i + 1;  // past the sequence once matched
    const Op op = ins[i].op;
    if (op == Op::LoadContact || op == Op::LoadEvent || op == Op::LoadReserved || op == Op::LoadLocal) {
      s.source = op == Op::LoadContact ? Source::Contact
                 : op == Op::LoadEvent ? Source::Event
                 : op == Op::LoadReserved ? Source::Reserved
                                          : Source::Local;
      s.slot = static_cast<uint8_t>(ins[i].a);
      while (s.key_count < Superinstruction::kMaxKeys && continues(j, Op::GetField)) {
        s.keys[s.key_count++] = static_cast<uint16_t>(ins[j++].a);
      }
      if (continues(j, Op::Const) && compares(j + 1)) {
        kind = Fused::PathCompare;
        s.operand = static_cast<uint16_t>(ins[j].a);
        s.comparison = ins[j + 1].op;
        j += 2;
      } else if (continues(j, Op::Call) && ins[j].b == 1) {
        kind = Fused::PathCall;
        s.operand = static_cast<uint16_t>(ins[j].a);
        j += 1;
      } else if (s.key_count > 0) {
        kind = Fused::Path;
      } else {
        ++i;  // a bare load: nothing to save
        continue;
      }
    } else if (op == Op::Const && compares(i + 1)) {
      kind = Fused::CompareConst;
      s.operand = static_cast<uint16_t>(ins[i].a);
      s.comparison = ins[i + 1].op;
      j = i + 2;
    } else {
      ++i;
      continue;
    }
    // Every sequence is at least 4 bytes long (a load and a GetField or Call, or a Const and
    // a comparison), so the opcode and the index fit.
    s.next = at[j];
    const auto index = static_cast<uint16_t>(superinstructions_.size());
    superinstructions_.push_back(s);
    code_[at[i]] = static_cast<uint8_t>(kind);
    code_[at[i] + 1] = static_cast<uint8_t>(index);
    code_[at[i] + 2] = static_cast<uint8_t>(index >> 8);
    i = j;
  }
}

Program::~Program() {
  for (Value& v : constants_) v.make_mortal();
}

Op Program::suspended_op(uint32_t pc) const {
  const auto it = std::lower_bound(resume_points_.begin(), resume_points_.end(), pc,
                                   [](const auto& point, uint32_t value) { return point.first < value; });
  return it != resume_points_.end() && it->first == pc ? it->second : Op::Null;
}

}  // namespace flow::vm
