#pragma once
// A simulated runtime for one execution, behind `flowc run` and the simulation tests: no
// database, no network, virtual time. It plays the runtime's part around the very same
// Interpreter the server uses: sends are recorded, updates are applied to the contact,
// webhooks get a scripted or default reply, and a timeline supplies the contact's events.
//
// Who wins a wait: the first timeline event with the awaited name at or after the moment
// the wait began resumes it, if it arrives strictly before the deadline (Interpreter's
// rule, `beats_deadline`); otherwise the timeout does, at the deadline. Events for other
// names, and events that arrive while the execution is not waiting for them, pass by.
// An event resumes at most one wait, so two events in a row wake two successive waits.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stdlib/value.hpp"
#include "vm/effect.hpp"
#include "vm/program.hpp"

namespace flow::vm {

struct Timeline {
  struct Event {
    double at = 0;  // seconds after the start
    std::string name;
    Value data;     // an object
  };
  struct Reply {
    double at = 0;  // used by the first webhook called at or after this
    double status = 200;
    Value body;
  };
  std::vector<Event> events;   // sorted by time (stable: same-time events keep file order)
  std::vector<Reply> replies;  // in file order
};

// One JSON object per line:
//   {"at": "2d", "event": "email.click", "data": {...}}       an event of the contact
//   {"at": "1h", "webhook": {"status": 500, "body": {...}}}   a scripted webhook reply
// `at` is a duration (`90s 15m 2h 3d 1w`, combinable: `1d12h`) or a number of seconds,
// and defaults to 0. Blank lines are skipped. Errors name the line.
std::variant<Timeline, std::string> parse_timeline(std::string_view jsonl);

struct SimulationOptions {
  double start = 1704067200;       // 2024-01-01T00:00:00Z: virtual time zero
  double until = 90 * 86400.0;     // stop waiting for anything later than this
  // Serialise the frame after every suspension and resume a fresh interpreter from the
  // bytes, as a server that restarts between every two steps would.
  bool reload_frames = false;
  uint64_t instruction_budget = 1'000'000;
  // A loop whose delay is 0s never lets virtual time pass; this stops it.
  size_t max_effects = 100'000;
  std::function<void(std::string_view line)> trace;  // see Interpreter::set_trace
};

// One line of the simulated history.
struct Record {
  enum class Kind : uint8_t {
    Started,     // value: the trigger event
    Effect,      // effect: what the interpreter returned
    Branch,      // a condition step; value: the label of the way it went ("yes", "no", ...)
    Received,    // value: the event that resumed a wait
    TimedOut,    // a wait's deadline passed
    Response,    // value: {status, body} handed to a webhook
    Unfinished,  // the simulation ended while the execution still waits
    Runaway,     // stopped after max_effects effects: the execution never ends
  };
  Kind kind = Kind::Effect;
  double at = 0;  // seconds after the start
  uint32_t step = kNoStep;
  Effect effect;
  Value value;
  size_t frame_bytes = 0;  // Effect that suspends: the size of the serialised frame
};

struct Simulation {
  std::vector<Record> records;
  Value contact;  // as the execution left it
};

// Runs workflow `workflow` for `contact` ({email, subscribed, data}; `subscribed` defaults
// to true). The trigger event is the timeline's first event if it is at 0 and has the
// workflow's trigger name (its data becomes `event.data`), else the trigger with no data.
Simulation simulate(const Program& program, uint32_t workflow, Value contact, const Timeline& timeline,
                    const SimulationOptions& options);

}  // namespace flow::vm
