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
  return program;
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
