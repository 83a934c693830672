#pragma once
// What an execution asks of the outside world when it stops: the interpreter returns one
// Effect per activation, the runtime (or `flowc run`) performs it and resumes the frame.
// Send, Delay, Wait, Webhook and Update suspend; Exited, Completed and Failed are final.
#include <cstdint>
#include <string>
#include <variant>

#include "bytecode/module.hpp"
#include "stdlib/value.hpp"

namespace flow::vm {

using stdlib::Value;

inline constexpr uint32_t kNoStep = UINT32_MAX;

namespace effect {

// An email, fully rendered. A marketing template for an unsubscribed contact is still
// returned, marked `suppressed`: the runtime records it and delivers nothing.
struct Send {
  uint32_t template_index = 0;
  std::string name;
  bytecode::TemplateType type = bytecode::TemplateType::Marketing;
  std::string to, from, reply_to, subject, html, text;
  bool suppressed = false;
};

struct Delay {
  double until = 0;  // resume at this time (seconds since the epoch)
};

// Resume with the event if the contact fires it before `deadline`, else with a timeout.
struct Wait {
  std::string event;
  double deadline = 0;
};

struct Webhook {
  std::string method;  // GET POST PUT PATCH DELETE
  std::string url;
  Value headers;       // object of strings, or null
  Value body;          // any value, sent as JSON; null: no body
  double timeout = 0;  // seconds per attempt
  uint32_t retries = 0;
};

// Set these contact data fields (a null value deletes the key); see apply_update.
struct Update {
  Value fields;
};

struct Exited {
  std::string reason;  // empty when `exit` gave none
};

struct Completed {};

struct Failed {
  std::string message;
  std::string file;
  uint32_t line = 0, column = 0;  // 0 when the location is unknown
};

}  // namespace effect

struct Effect {
  uint32_t step = kNoStep;  // the step that produced it (index into Module::steps)
  std::variant<effect::Send, effect::Delay, effect::Wait, effect::Webhook, effect::Update, effect::Exited,
               effect::Completed, effect::Failed>
      what;

  bool is_final() const { return what.index() >= 5; }
  template <typename T>
  const T* as() const { return std::get_if<T>(&what); }
};

// The effect as a value {effect: "send" | "delay" | ..., step, ...its fields}, for JSON
// output and the runtime's step history. Times are time values (ISO-8601 in JSON).
Value to_value(const Effect& effect);

// The contact {email, subscribed, data} with `fields` applied to its data: each key is set,
// a null value deletes it. The runtime and the simulator both update contacts through this,
// so "visible to the next step" means the same everywhere.
Value apply_update(const Value& contact, const Value& fields);

}  // namespace flow::vm
