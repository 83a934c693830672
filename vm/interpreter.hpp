#pragma once
// The interpreter: runs one execution (one contact in one workflow) from a frame until it
// needs the outside world, and returns that need as an Effect. The caller performs it and
// resumes the frame with the result. The interpreter reads no clock, touches no network and
// no database: time, the contact and the runtime's reserved variables come in as Inputs, so
// the server and `flowc run` get identical behaviour from identical inputs.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/value.hpp"
#include "vm/effect.hpp"
#include "vm/frame.hpp"
#include "vm/program.hpp"
#include "vm/stack.hpp"

namespace flow::vm {

struct Inputs {
  Value contact;   // {email, subscribed, data}, as the runtime has it now
  Value reserved;  // {unsubscribeUrl, workflow, execution}: the runtime's reserved variables
  double now = 0;  // seconds since the epoch (virtual in `flowc run`)
  // An activation that loops through more code than this without suspending fails: it is
  // stuck (the compiler rejects loops without a delay or wait; this catches the rest). Each
  // jump backwards charges the bytes of code it jumps back over, an upper bound of the
  // instructions a round runs; straight-line code is bounded by the module and free.
  uint64_t instruction_budget = 1'000'000;
};

// The outcome of an effect, handed back to resume().
struct Resume {
  enum class Kind : uint8_t { Done, Event, Timeout, Response };
  Kind kind = Kind::Done;
  Value value;  // Event: {name, data, at}; Response: {status, body}

  static Resume done() { return {}; }  // a send, delay or update was carried out
  static Resume event(Value event) { return {Kind::Event, std::move(event)}; }
  static Resume timeout() { return {Kind::Timeout, Value()}; }
  static Resume response(Value response) { return {Kind::Response, std::move(response)}; }
};

// {name, data, at} as the VM and templates see an event.
Value make_event(std::string name, Value data, double at);
// {status, body} as `response` holds it after a webhook.
Value make_response(double status, Value body);

// The rule that settles a wait's race: an event wins only if it arrives strictly before the
// deadline; at the deadline itself the timeout has already won ("within 3 days" is [0, 3d)).
inline bool beats_deadline(double at, double deadline) { return at < deadline; }

// Webhook defaults when the source gives none.
inline constexpr double kDefaultWebhookTimeout = 10;  // seconds per attempt
inline constexpr uint32_t kDefaultWebhookRetries = 2;

class Interpreter {
 public:
  explicit Interpreter(const Program& program) : program_(program) {}

  // Called with each instruction, disassembled with its offset and the stack depth, before
  // it runs. Off by default; the loop without it pays nothing for it.
  void set_trace(std::function<void(std::string_view line)> trace) { trace_ = std::move(trace); }

  // Called with each step the execution enters, effect or not (a condition, a `let`): the
  // runtime's step history and the simulator's timeline.
  void set_step_observer(std::function<void(uint32_t step)> observer) { on_step_ = std::move(observer); }

  // Starts workflow `workflow` for the contact in `inputs`, triggered by `event`
  // (make_event). `frame` is overwritten.
  Effect start(uint32_t workflow, Value event, const Inputs& inputs, Frame& frame);

  // Continues a suspended frame with the result of its effect. The interpreter settles a
  // wait's race with the clock: an event that arrives at or after the deadline is a timeout,
  // and a timeout or a delay reported before its time leaves the frame waiting (the same
  // Wait or Delay effect comes back). An event with another name also leaves it waiting.
  Effect resume(Frame& frame, const Resume& result, const Inputs& inputs);

  // Runs code at `offset` up to its Return (a template part, or any expression compiled
  // that way) in the scope of `frame`, and returns the value. Throws stdlib::RuntimeError
  // on a runtime error, or when the code tries to suspend.
  Value evaluate(uint32_t offset, Frame& frame, const Inputs& inputs);

 private:
  // Where execute() stopped: at an effect, a final op or a Return, operands still on the stack.
  struct Stop {
    bytecode::Op op;
    uint32_t at;       // offset of the stopping instruction
    uint32_t next;     // offset after it
    uint32_t operand;  // Send: template; Wait: event-name constant
  };
  template <bool kTrace>
  Stop execute(uint32_t pc, Frame& frame, const Inputs& inputs);
  Stop execute(uint32_t pc, Frame& frame, const Inputs& inputs);
  void trace_instruction(uint32_t offset, size_t depth) const;
  Value evaluate_part(uint32_t offset, Frame& frame, const Inputs& inputs);
  Effect run(Frame& frame, const Inputs& inputs);
  Effect suspend_or_end(const Stop& stop, Frame& frame, const Inputs& inputs);
  Effect fail(Frame& frame, uint32_t pc, std::string message);
  Effect waiting(const Frame& frame) const;
  effect::Send render(uint32_t template_index, Frame& frame, const Inputs& inputs);

  const Program& program_;
  Stack stack_;
  uint64_t budget_ = 0;    // instructions left in this activation
  uint32_t fault_pc_ = 0;  // the instruction that raised the runtime error being handled
  std::function<void(std::string_view)> trace_;
  std::function<void(uint32_t)> on_step_;
};

}  // namespace flow::vm
