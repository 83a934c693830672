// Frames: a round trip through bytes, and every kind of bad frame refused with a message
// (never a crash: these run under ASan and UBSan in CI).
#include <gtest/gtest.h>

#include <random>

#include "stdlib/json.hpp"
#include "tests/unit/vm_assembler.hpp"
#include "vm/frame.hpp"
#include "vm/interpreter.hpp"

namespace flow::vm {
namespace {

using bytecode::Op;
using bytecode::StepKind;

// A workflow that waits for "click" with a local holding some data.
bytecode::Module waiting_module(const std::string& event = "click") {
  testing::Assembler a;
  a.workflow("w", "start", 2);
  a.step(StepKind::Set, "let x").op(Op::Const, a.string("kept")).op(Op::Const, a.number(42));
  a.op(Op::MakeList, 2).op(Op::StoreLocal, 1);
  a.step(StepKind::Wait, "wait").op(Op::Const, a.duration(60)).op(Op::Wait, a.string(event)).op(Op::Pop);
  a.op(Op::LoadLocal, 1).op(Op::Exit);
  return a.module();
}

Program load(bytecode::Module module) { return std::get<Program>(Program::load(std::move(module))); }

struct Suspended {
  Frame frame;
  std::vector<uint8_t> bytes;
};

Suspended suspend(const Program& program) {
  Interpreter vm(program);
  Suspended s;
  const Value event = make_event("start", std::get<Value>(stdlib::parse_json(R"({"n":-3.5,"t":[true,null]})")), 7);
  vm.start(0, event, Inputs{Value(), Value(), 1000}, s.frame);
  s.bytes = serialize(s.frame);
  return s;
}

std::string error_of(const std::variant<Frame, FrameError>& loaded) {
  const auto* error = std::get_if<FrameError>(&loaded);
  return error ? error->message : "(loaded)";
}

TEST(Frame, RoundTripsThroughBytes) {
  const Program program = load(waiting_module());
  const Suspended s = suspend(program);
  auto loaded = deserialize(s.bytes, program);
  ASSERT_EQ(error_of(loaded), "(loaded)");
  const Frame& f = std::get<Frame>(loaded);
  EXPECT_EQ(f.awaiting, Awaiting::Event);
  EXPECT_EQ(f.wake_at, 1060);
  EXPECT_EQ(f.step, 1u);
  EXPECT_EQ(stdlib::to_json(f.locals[1]), R"(["kept",42])");
  EXPECT_EQ(serialize(f), s.bytes);
  EXPECT_LT(s.bytes.size(), 128u) << "fixed part plus a small local and event";
}

TEST(Frame, AResumedCopyBehavesLikeTheOriginal) {
  const Program program = load(waiting_module());
  Suspended s = suspend(program);
  Frame copy = std::get<Frame>(deserialize(s.bytes, program));
  Interpreter a(program), b(program);
  const Inputs in{Value(), Value(), 1010};
  const Value click = make_event("click", Value(), 1010);
  EXPECT_EQ(stdlib::to_json(to_value(a.resume(s.frame, Resume::event(click), in))),
            stdlib::to_json(to_value(b.resume(copy, Resume::event(click), in))));
}

TEST(Frame, RefusesAFrameOfAnotherModule) {
  const Program original = load(waiting_module("click"));
  const Program changed = load(waiting_module("open"));
  const Suspended s = suspend(original);
  const std::string message = error_of(deserialize(s.bytes, changed));
  EXPECT_TRUE(message.starts_with("the frame belongs to module `test` (")) << message;
  EXPECT_NE(message.find("the workflow changed since the execution started"), std::string::npos) << message;
}

TEST(Frame, RefusesBadBytes) {
  const Program program = load(waiting_module());
  const Suspended s = suspend(program);
  EXPECT_EQ(error_of(deserialize({}, program)), "not a frame (bad magic)");
  std::vector<uint8_t> bytes = s.bytes;
  bytes[2] = 99;
  EXPECT_EQ(error_of(deserialize(bytes, program)), "frame format version 99, this VM reads version 1");
  bytes = s.bytes;
  bytes[bytes.size() / 2] ^= 0x40;
  EXPECT_EQ(error_of(deserialize(bytes, program)), "frame checksum mismatch: the frame is corrupt");
  bytes = s.bytes;
  bytes.resize(bytes.size() - 5);
  EXPECT_EQ(error_of(deserialize(bytes, program)), "frame checksum mismatch: the frame is corrupt");
}

// Rewrites the checksum so that the structural checks, not the checksum, must catch it.
std::vector<uint8_t> resealed(std::vector<uint8_t> bytes) {
  bytes.resize(bytes.size() - 4);
  uint32_t hash = 2166136261u;
  for (const uint8_t b : bytes) hash = (hash ^ b) * 16777619u;
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(hash >> (8 * i)));
  return bytes;
}

TEST(Frame, RefusesAProgramCounterWhereNothingWaits) {
  const Program program = load(waiting_module());
  Suspended s = suspend(program);
  s.frame.pc -= 1;
  EXPECT_EQ(error_of(deserialize(serialize(s.frame), program)),
            "the frame's program counter is not where a workflow waits for event");
}

TEST(Frame, SurvivesRandomCorruption) {
  const Program program = load(waiting_module());
  const Suspended s = suspend(program);
  std::mt19937 random(12345);
  for (int round = 0; round < 5000; ++round) {
    std::vector<uint8_t> bytes = s.bytes;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) bytes[random() % (bytes.size() - 4)] = static_cast<uint8_t>(random());
    if (round % 3 == 0) bytes.resize(4 + random() % bytes.size());
    auto loaded = deserialize(resealed(bytes), program);
    if (auto* frame = std::get_if<Frame>(&loaded)) {
      // Whatever got through describes a valid place: resuming it must not crash.
      Interpreter vm(program);
      vm.resume(*frame, Resume::timeout(), Inputs{Value(), Value(), 1e12});
    }
  }
}

}  // namespace
}  // namespace flow::vm
