#pragma once
// A frame: everything needed to continue an execution later, in another process. It is
// plain data; the interpreter changes it and returns, which is how an execution suspends.
//
// Serialised form (little-endian; "uint" is unsigned LEB128):
//
//   magic "FF" | version u8 | module hash u64 | module name (uint length + bytes)
//   workflow uint | pc uint | step+1 uint (0: none yet) | awaiting u8
//   [Event: event-name constant uint] [Delay, Event: wake_at f64]
//   local count uint | locals (values) | event (value) | FNV-1a 32 of all the above, u32
//
//   value: tag u8, then  0 null | 1 false | 2 true | 3 integer (zigzag uint) | 4 number f64
//          | 5 time f64 | 6 duration f64 | 7 string (uint length + bytes)
//          | 8 list (uint count + values) | 9 object (uint count + (string, value) pairs)
//
// A waiting frame is about 40 bytes plus its locals and the event's data.
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "stdlib/value.hpp"
#include "vm/effect.hpp"

namespace flow::vm {

class Program;

// What a suspended frame needs to go on.
enum class Awaiting : uint8_t {
  Send,     // the email was taken over by the runtime
  Delay,    // the time `wake_at`
  Event,    // event `wait_event` before `wake_at`, or the timeout
  Webhook,  // the response
  Update,   // the contact was updated
  Nothing,  // the execution has ended (or not started): resume is refused
};
std::string_view awaiting_name(Awaiting awaiting);

struct Frame {
  static constexpr uint8_t kFormatVersion = 1;

  std::string module_name;
  uint64_t module_hash = 0;
  uint32_t workflow = 0;     // index into Module::workflows
  uint32_t pc = 0;           // code offset to continue at
  uint32_t step = kNoStep;   // the step being executed
  Awaiting awaiting = Awaiting::Nothing;
  uint16_t wait_event = 0;   // Event: constant index of the event name
  double wake_at = 0;        // Delay: when to resume; Event: the deadline
  std::vector<Value> locals; // the workflow's slots; slot 0 is `response`
  Value event;               // {name, data, at} of the event that started or last resumed it
};

std::vector<uint8_t> serialize(const Frame& frame);

struct FrameError {
  std::string message;
};

// Checks everything: magic, version, checksum, lengths, that the frame belongs to this
// program (name and hash), and that the workflow, step, pc, awaited op, event constant and
// local count agree with the program. Never trusts a byte it has not checked.
std::variant<Frame, FrameError> deserialize(std::span<const uint8_t> bytes, const Program& program);

}  // namespace flow::vm
