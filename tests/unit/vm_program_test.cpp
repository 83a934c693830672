// Bad modules are refused by Program::load, and whatever it accepts runs without crashing:
// random corruptions of a real module's code, each loaded and (when accepted) simulated.
#include <gtest/gtest.h>

#include <random>

#include "bytecode/module_io.hpp"
#include "stdlib/json.hpp"
#include "tests/unit/vm_assembler.hpp"
#include "vm/simulator.hpp"

namespace flow::vm {
namespace {

using bytecode::Op;
using bytecode::StepKind;

bytecode::Module sample_module() {
  testing::Assembler a;
  a.simple_template("hello", bytecode::TemplateType::Transactional, "Hi");
  a.workflow("w", "go", 2);
  a.step(StepKind::Set, "let n").op(Op::Const, a.number(0)).op(Op::StoreLocal, 1);
  const uint32_t top = a.here();
  a.step(StepKind::Send, "send hello").op(Op::Send, 0);
  a.step(StepKind::Wait, "wait").op(Op::Const, a.duration(3600)).op(Op::Wait, a.string("click"));
  const uint32_t done = a.jump(Op::JumpIfFalse);
  a.op(Op::LoadLocal, 1).op(Op::Const, a.number(1)).op(Op::Add).op(Op::StoreLocal, 1);
  a.step(StepKind::Condition, "if n < 3").op(Op::LoadLocal, 1).op(Op::Const, a.number(3)).op(Op::Lt);
  const uint32_t out = a.jump(Op::JumpIfFalse);
  a.op(Op::Jump, top);
  a.patch(done, a.here());
  a.patch(out, a.here());
  a.step(StepKind::Exit, "exit").op(Op::LoadContact).op(Op::GetField, a.string("email")).op(Op::Exit);
  return a.module();
}

TEST(Program, RefusesWhatVerifyRefuses) {
  bytecode::Module module = sample_module();
  module.code.push_back(static_cast<uint8_t>(Op::Jump));  // truncated operand
  const auto loaded = Program::load(module);
  ASSERT_TRUE(std::holds_alternative<Program::Error>(loaded));
  EXPECT_NE(std::get<Program::Error>(loaded).message.find("truncated"), std::string::npos)
      << std::get<Program::Error>(loaded).message;
}

TEST(Program, AcceptedCorruptionsRunWithoutCrashing) {
  const bytecode::Module original = sample_module();
  ASSERT_TRUE(std::holds_alternative<Program>(Program::load(original)));
  vm::Timeline timeline;
  timeline.events.push_back({60, "click", stdlib::Value::object({})});
  timeline.events.push_back({7200, "click", stdlib::Value::object({})});
  const auto contact = std::get<stdlib::Value>(stdlib::parse_json(R"({"email":"a@b.test"})"));
  std::mt19937 random(7);
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    bytecode::Module module = original;
    const int flips = 1 + static_cast<int>(random() % 3);
    for (int i = 0; i < flips; ++i) module.code[random() % module.code.size()] = static_cast<uint8_t>(random());
    auto loaded = Program::load(std::move(module));
    if (auto* program = std::get_if<Program>(&loaded)) {
      ++accepted;
      SimulationOptions options;
      options.instruction_budget = 10'000;
      options.reload_frames = round % 2 == 0;
      simulate(*program, 0, contact, timeline, options);
    }
  }
  EXPECT_GT(accepted, 0) << "some corruptions (changed constants, operators) still verify";
}

}  // namespace
}  // namespace flow::vm
