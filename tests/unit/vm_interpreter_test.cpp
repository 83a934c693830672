// The interpreter on hand-assembled modules: every effect, both wait outcomes and the race
// rule, runtime errors with their source location, and resumes that do not fit.
#include <gtest/gtest.h>

#include "stdlib/error.hpp"
#include "stdlib/json.hpp"
#include "tests/unit/vm_assembler.hpp"
#include "vm/interpreter.hpp"

namespace flow::vm {
namespace {

using bytecode::Op;
using bytecode::StepKind;
using testing::Assembler;

constexpr double kNow = 1'000'000;

Program load(Assembler& a) {
  auto loaded = Program::load(a.module());
  if (auto* error = std::get_if<Program::Error>(&loaded)) ADD_FAILURE() << error->message;
  return std::get<Program>(std::move(loaded));
}

Value json(const std::string& text) { return std::get<Value>(stdlib::parse_json(text)); }

Inputs inputs(double now = kNow, const std::string& contact = R"({"email":"ada@example.test","subscribed":true,"data":{"plan":"pro"}})") {
  return Inputs{json(contact), json(R"({"unsubscribeUrl":"https://u.test/x","execution":"e1"})"), now};
}

// workflow: wait for "click" within 1 day { received: exit "clicked" } timeout: exit "late"
Assembler wait_workflow() {
  Assembler a;
  a.workflow("w", "start");
  a.step(StepKind::Wait, "wait for click");
  a.op(Op::Const, a.duration(86400)).op(Op::Wait, a.string("click"));
  const uint32_t to_timeout = a.jump(Op::JumpIfFalse);
  a.step(StepKind::Exit, "exit clicked");
  a.op(Op::Const, a.string("clicked")).op(Op::Exit);
  a.patch(to_timeout, a.here());
  a.step(StepKind::Exit, "exit late");
  a.op(Op::Const, a.string("late")).op(Op::Exit);
  return a;
}

std::string exit_reason(const Effect& e) {
  const auto* exited = e.as<effect::Exited>();
  return exited ? exited->reason : "(not an exit)";
}

TEST(Interpreter, CompletesAnEmptyWorkflow) {
  Assembler a;
  a.workflow("w", "start");
  a.op(Op::Complete);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  const Effect e = vm.start(0, make_event("start", Value(), kNow), inputs(), frame);
  EXPECT_TRUE(e.as<effect::Completed>());
  EXPECT_EQ(frame.awaiting, Awaiting::Nothing);
}

TEST(Interpreter, SendRendersTheTemplateAndSuppressesMarketingForUnsubscribed) {
  Assembler a;
  a.simple_template("welcome", bytecode::TemplateType::Marketing, "Hello");
  a.simple_template("receipt", bytecode::TemplateType::Transactional, "Receipt");
  a.workflow("w", "start");
  a.step(StepKind::Send, "send welcome").op(Op::Send, 0);
  a.step(StepKind::Send, "send receipt").op(Op::Send, 1);
  a.op(Op::Complete);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  const Inputs unsubscribed = inputs(kNow, R"({"email":"bob@example.test","subscribed":false})");
  Effect e = vm.start(0, Value(), unsubscribed, frame);
  const auto* send = e.as<effect::Send>();
  ASSERT_TRUE(send);
  EXPECT_EQ(send->name, "welcome");
  EXPECT_EQ(send->to, "bob@example.test");
  EXPECT_EQ(send->subject, "Hello");
  EXPECT_EQ(send->html, "<p>Hello</p>");
  EXPECT_TRUE(send->suppressed);
  EXPECT_EQ(e.step, 0u);
  e = vm.resume(frame, Resume::done(), unsubscribed);
  ASSERT_TRUE(e.as<effect::Send>());
  EXPECT_FALSE(e.as<effect::Send>()->suppressed);
  EXPECT_EQ(e.step, 1u);
  EXPECT_TRUE(vm.resume(frame, Resume::done(), unsubscribed).as<effect::Completed>());
}

TEST(Interpreter, DelayResumesOnlyWhenItsTimeHasCome) {
  Assembler a;
  a.workflow("w", "start");
  a.step(StepKind::Delay, "delay 1h").op(Op::Const, a.duration(3600)).op(Op::Delay);
  a.op(Op::Complete);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  Effect e = vm.start(0, Value(), inputs(), frame);
  ASSERT_TRUE(e.as<effect::Delay>());
  EXPECT_EQ(e.as<effect::Delay>()->until, kNow + 3600);
  e = vm.resume(frame, Resume::done(), inputs(kNow + 3599));
  ASSERT_TRUE(e.as<effect::Delay>()) << "too early: still waiting";
  EXPECT_TRUE(vm.resume(frame, Resume::done(), inputs(kNow + 3600)).as<effect::Completed>());
}

TEST(Interpreter, WaitReceivedBeforeTheDeadlineTakesTheEvent) {
  Assembler a = wait_workflow();
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  const Effect e = vm.start(0, Value(), inputs(), frame);
  ASSERT_TRUE(e.as<effect::Wait>());
  EXPECT_EQ(e.as<effect::Wait>()->event, "click");
  EXPECT_EQ(e.as<effect::Wait>()->deadline, kNow + 86400);
  const Value click = make_event("click", json(R"({"link":"a"})"), kNow + 10);
  EXPECT_EQ(exit_reason(vm.resume(frame, Resume::event(click), inputs(kNow + 10))), "clicked");
  EXPECT_EQ(stdlib::to_json(frame.event), stdlib::to_json(click));
}

TEST(Interpreter, WaitTimesOut) {
  Assembler a = wait_workflow();
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  vm.start(0, Value(), inputs(), frame);
  EXPECT_TRUE(vm.resume(frame, Resume::timeout(), inputs(kNow + 100)).as<effect::Wait>()) << "early timeout ignored";
  EXPECT_EQ(exit_reason(vm.resume(frame, Resume::timeout(), inputs(kNow + 86400))), "late");
}

TEST(Interpreter, AnEventExactlyAtTheDeadlineIsATimeout) {
  Assembler a = wait_workflow();
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  vm.start(0, Value(), inputs(), frame);
  const Value click = make_event("click", Value(), kNow + 86400);
  EXPECT_EQ(exit_reason(vm.resume(frame, Resume::event(click), inputs(kNow + 86400))), "late");
  EXPECT_TRUE(frame.event.is_null()) << "the late event is not the execution's event";
}

TEST(Interpreter, AnEventWithAnotherNameLeavesTheWaitAlone) {
  Assembler a = wait_workflow();
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  vm.start(0, Value(), inputs(), frame);
  const Effect e = vm.resume(frame, Resume::event(make_event("open", Value(), kNow + 5)), inputs(kNow + 5));
  ASSERT_TRUE(e.as<effect::Wait>());
  EXPECT_EQ(frame.awaiting, Awaiting::Event);
  EXPECT_EQ(exit_reason(vm.resume(frame, Resume::event(make_event("click", Value(), kNow + 6)), inputs(kNow + 6))),
            "clicked");
}

TEST(Interpreter, TwoEventsInARowWakeTheWaitOnce) {
  Assembler a = wait_workflow();
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  vm.start(0, Value(), inputs(), frame);
  const Value click = make_event("click", Value(), kNow + 5);
  EXPECT_EQ(exit_reason(vm.resume(frame, Resume::event(click), inputs(kNow + 5))), "clicked");
  const Effect second = vm.resume(frame, Resume::event(click), inputs(kNow + 5));
  ASSERT_TRUE(second.as<effect::Failed>());
  EXPECT_EQ(second.as<effect::Failed>()->message, "the execution has ended and cannot be resumed");
}

TEST(Interpreter, WebhookGetsDefaultsAndTheResponseLandsInSlotZero) {
  Assembler a;
  a.workflow("w", "start");
  a.step(StepKind::Webhook, "webhook post");
  a.op(Op::Const, a.string("POST")).op(Op::Const, a.string("https://hooks.test/x"));
  a.op(Op::Null).op(Op::Null).op(Op::Null).op(Op::Null).op(Op::Webhook).op(Op::StoreLocal, 0);
  a.step(StepKind::Exit, "exit status");
  a.op(Op::LoadLocal, 0).op(Op::GetField, a.string("status")).op(Op::Exit);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  const Effect e = vm.start(0, make_event("start", json("{}"), kNow), inputs(), frame);
  const auto* call = e.as<effect::Webhook>();
  ASSERT_TRUE(call);
  EXPECT_EQ(call->method, "POST");
  EXPECT_EQ(call->url, "https://hooks.test/x");
  EXPECT_EQ(call->timeout, kDefaultWebhookTimeout);
  EXPECT_EQ(call->retries, kDefaultWebhookRetries);
  EXPECT_EQ(stdlib::to_json(*call->body.find("workflow")), "\"w\"");
  EXPECT_EQ(stdlib::to_json(*call->body.find("execution")), "\"e1\"");
  EXPECT_EQ(exit_reason(vm.resume(frame, Resume::response(make_response(503, Value())), inputs())), "503");
}

TEST(Interpreter, UpdateReturnsTheFieldsAndApplyUpdateDeletesNulls) {
  Assembler a;
  a.workflow("w", "start");
  a.step(StepKind::Update, "update");
  a.op(Op::Const, a.string("plan")).op(Op::Null).op(Op::Const, a.string("engaged")).op(Op::True);
  a.op(Op::MakeObject, 2).op(Op::Update).op(Op::Complete);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  const Effect e = vm.start(0, Value(), inputs(), frame);
  ASSERT_TRUE(e.as<effect::Update>());
  EXPECT_EQ(stdlib::to_json(e.as<effect::Update>()->fields), R"({"plan":null,"engaged":true})");
  EXPECT_EQ(stdlib::to_json(apply_update(inputs().contact, e.as<effect::Update>()->fields)),
            R"({"email":"ada@example.test","subscribed":true,"data":{"engaged":true}})");
}

TEST(Interpreter, RuntimeErrorsFailWithTheSourceLocation) {
  Assembler a;
  a.workflow("w", "start");
  a.at(3, 7);
  a.step(StepKind::Exit, "exit");
  a.op(Op::Const, a.number(1)).op(Op::Const, a.number(0));
  a.at(4, 9);
  a.op(Op::Div).op(Op::Exit);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  const Effect e = vm.start(0, Value(), inputs(), frame);
  const auto* failed = e.as<effect::Failed>();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->message, "division by zero");
  EXPECT_EQ(failed->file, "test.flow");
  EXPECT_EQ(failed->line, 4u);
  EXPECT_EQ(failed->column, 9u);
}

TEST(Interpreter, TypeErrorsAndBadRegexesFail) {
  Assembler a;
  a.workflow("w", "start");
  a.step(StepKind::Condition, "if");
  a.op(Op::Const, a.string("x")).op(Op::Const, a.string("(")).call("matches", 2).op(Op::Pop);
  a.op(Op::Const, a.string("x")).op(Op::Const, a.number(1)).op(Op::Add).op(Op::Exit);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  const Effect e = vm.start(0, Value(), inputs(), frame);
  ASSERT_TRUE(e.as<effect::Failed>());
  EXPECT_TRUE(e.as<effect::Failed>()->message.starts_with("malformed regular expression \"(\""))
      << e.as<effect::Failed>()->message;
}

TEST(Interpreter, ALoopWithoutSuspendingRunsOutOfBudget) {
  Assembler a;
  a.workflow("w", "start");
  const uint32_t top = a.here();
  a.op(Op::Jump, top);
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  Inputs in = inputs();
  in.instruction_budget = 1000;
  const Effect e = vm.start(0, Value(), in, frame);
  ASSERT_TRUE(e.as<effect::Failed>());
  EXPECT_EQ(e.as<effect::Failed>()->message,
            "looped through more than 1000 bytes of code without suspending: a loop without delay or wait?");
}

TEST(Interpreter, AResumeThatDoesNotFitFails) {
  Assembler a = wait_workflow();
  const Program program = load(a);
  Interpreter vm(program);
  Frame frame;
  vm.start(0, Value(), inputs(), frame);
  const Effect e = vm.resume(frame, Resume::response(Value()), inputs());
  ASSERT_TRUE(e.as<effect::Failed>());
  EXPECT_EQ(e.as<effect::Failed>()->message, "resumed with a response while waiting for event");
}

TEST(Interpreter, TraceDisassemblesEachInstruction) {
  Assembler a;
  a.workflow("w", "start");
  a.op(Op::Complete);
  const Program program = load(a);
  Interpreter vm(program);
  std::vector<std::string> lines;
  vm.set_trace([&](std::string_view line) { lines.emplace_back(line); });
  Frame frame;
  vm.start(0, Value(), inputs(), frame);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("Complete"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace flow::vm
