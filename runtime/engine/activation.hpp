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

namespace flow::runtime::engine {

// The executions row as claimed, with what the claim read of its workflow.
struct Claimed {
  int64_t id = 0, contact_id = 0, workflow_id = 0;
  std::optional<store::Bytes> frame;  // none: not started yet
  std::optional<int64_t> resume_event_id;
  // The workflow's name and the module the execution started with (set at enrolment, not
  // the workflow's latest); none when the workflow row is gone.
  std::optional<std::string> workflow_name;
  std::optional<int64_t> module_hash;
};

struct ActivationContext {
  ProgramCache& programs;
  double now;
  const std::function<std::string(int64_t contact_id)>& unsubscribe_url;
};

// Returns true when mail was queued (the caller NOTIFYs flow_outbox).
bool activate(store::Connection& conn, const ActivationContext& context, const Claimed& execution);

}  // namespace flow::runtime::engine
