#pragma once
// One activation of a claimed execution: run the VM from its frame to the next suspension
// or the end, recording every effect, inside the caller's transaction (docs/runtime.md,
// "Activation"), so the effects and the new frame commit together or not at all.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "runtime/engine/program_cache.hpp"
#include "runtime/store/connection.hpp"
#include "stdlib/value.hpp"

namespace flow::runtime::engine {

// The event an execution starts or resumes with, as stored.
struct ClaimedEvent {
  std::string name;
  std::string data_json;
  double at = 0;  // created_at, epoch seconds
};

// The executions row as claimed, with what the claim read with it, so that an activation
// needs no query of its own before it writes.
struct Claimed {
  int64_t id = 0, contact_id = 0, workflow_id = 0;
  std::optional<store::Bytes> frame;  // none: not started yet
  std::optional<int64_t> resume_event_id;
  std::optional<ClaimedEvent> event;  // the row resume_event_id names
  // The workflow's name and the module the execution started with (set at enrolment, not
  // the workflow's latest); none when the workflow row is gone.
  std::optional<std::string> workflow_name;
  std::optional<int64_t> module_hash;
  // Mails and webhook calls the execution has queued (executions.effects): the next one's
  // key is execution.step.(effects + 1), stable when a retried transaction runs the
  // activation again.
  int32_t effects = 0;
};

struct ActivationContext {
  ProgramCache& programs;
  double now;
  const std::function<std::string(int64_t contact_id)>& unsubscribe_url;
};

// `contact` is the contact as the VM sees it ({email, subscribed, data}, see
// contact_value), read with the claim; an `update contact` step updates it too, so that a
// later activation of the same contact in the caller's transaction sees the change.
// Its writes are deferred (Connection::defer): they go to the server with the caller's
// COMMIT.
struct Activated {
  bool mailed = false;  // mail was queued: the caller NOTIFYs flow_outbox
  size_t steps = 0;     // step history rows written
};
Activated activate(store::Connection& conn, const ActivationContext& context, const Claimed& execution,
                   stdlib::Value& contact);

}  // namespace flow::runtime::engine
