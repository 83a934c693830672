#pragma once
// Activations: running executions the caller has locked from their frames (or their
// trigger events) to the next suspension or the end, recording every effect, inside the
// caller's transaction (docs/runtime.md, "Activation"), so the effects and the new frames
// commit together or not at all. A worker's claim and a track's enrolment both end here.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/program_cache.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

struct ActivationContext {
  ProgramCache& programs;
  double now;
  const std::function<std::string(int64_t contact_id)>& unsubscribe_url;
};

// What activate_all reads of each execution: the select list over `executions e JOIN
// contacts c`, `workflows w` (LEFT JOIN: a deleted workflow leaves its columns null, and the
// activation fails the execution) and `events ev` (LEFT JOIN, the event e.resume_event_id
// names: a new execution's trigger, or the event that won its wait). The rows are the
// latest versions of e and c, locked by the caller.
extern const std::string_view kActivationColumns;

// Whether the executions of the rows exist in the executions table yet. A track that starts
// its executions itself (start_on_track) reads their ids from the sequence and inserts each
// as its activation leaves it, instead of inserting it RUNNING and updating it.
enum class Stored { Yes, No };

struct Activations {
  size_t steps = 0;                  // step history rows written
  std::optional<double> next_wake;   // the earliest end of a delay or wait they stopped in
};

// Activates the executions of `rows` (kActivationColumns) one after the other, in the order
// of their ids (of enrolment); an execution sees what an earlier one's `update contact`
// wrote to its contact. The writes are deferred (Connection::defer): they go to the server
// with the caller's COMMIT, with a NOTIFY of flow_outbox when mail was queued.
Activations activate_all(store::Connection& conn, const ActivationContext& context,
                         const std::vector<store::Row>& rows, Stored stored = Stored::Yes);

}  // namespace flow::runtime::engine
