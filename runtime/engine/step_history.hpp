#pragma once
// step_history rows of one activation. The interpreter reports each step entered through
// its observer; the rows are written after the interpreter returns, never from inside the
// observer, because the VM turns any exception thrown while it runs into a Failed effect
// and a database error must abort the transaction instead.
//
// Every row says how its step went (`outcome`, docs/runtime.md "Step history"): the effect a
// step produced, the arm a condition took, and, once a suspension is over, how it ended.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/module.hpp"
#include "runtime/store/connection.hpp"
#include "runtime/store/row_batch.hpp"
#include "vm/effect.hpp"
#include "vm/frame.hpp"
#include "vm/interpreter.hpp"

namespace flow::runtime::engine {

// The step_history writes of a batch of activations, one statement each however many rows
// (`unnest` and `= ANY` of array parameters) instead of one per row: a claim of 16 timers
// finishes 16 open steps with one statement and inserts their next rows with another.
// The statements find their rows through the primary key, which a session that runs them
// must prefer over a scan however young the table (Engine::kWorkerSessionSetup).
class HistoryRows {
 public:
  void add(int64_t contact_id, int64_t execution_id, int32_t step, std::string_view kind, const std::string& label,
           bool open, const std::optional<std::string>& outcome, const std::optional<std::string>& error);
  // Finishes the execution's open rows, merging the JSON object `outcome` (resumed_outcome)
  // into their outcome: the end of a suspension. Once per execution and batch.
  void close(int64_t contact_id, int64_t execution_id, const std::string& outcome);
  // Defers the UPDATE of the rows closed, then the INSERT of the rows added (none: nothing),
  // started (and, unless open, finished) at `now`: a row this batch left open stays open.
  void defer(store::Connection& conn, double now) const;

 private:
  store::RowBatch<8> rows_;
  store::RowBatch<3> closed_;
};

class StepHistory {
 public:
  StepHistory(HistoryRows& rows, const bytecode::Module& module, int64_t contact_id, int64_t execution_id);

  // For Interpreter::set_step_observer.
  void entered(uint32_t step) { pending_.push_back(step); }
  bool has_pending() const { return !pending_.empty(); }

  // Writes a row per step entered since the last call. The row of the step that produced
  // `effect` gets the effect as its outcome, with the fields of `extra` (an object, e.g.
  // {result: "queued", message_id}) added; a condition's row gets the arm it took. Steps
  // that suspend (delay, wait, webhook) stay open until close_open() finishes them.
  void record(const vm::Effect& effect, const stdlib::Value& extra = stdlib::Value());

  // Finishes the rows left open by a suspension, once the execution has moved past it,
  // adding the fields of `how` (resumed_outcome) to their outcome.
  void close_open(const stdlib::Value& how);

  // Rows written so far (for flow_steps_total, counted once the transaction commits).
  size_t recorded() const { return recorded_; }

 private:
  std::string outcome_of(size_t index, const vm::Effect& effect, const stdlib::Value& extra) const;

  HistoryRows& rows_;
  const bytecode::Module& module_;
  int64_t contact_id_, execution_id_;
  std::vector<uint32_t> pending_;
  size_t recorded_ = 0;
};

// How a suspension ended, for its row: a wait {result: "received", event_id, event} or
// {result: "timeout"}, by the same rule the VM settles the race with; a webhook
// {result: "response", status}; a delay {result: "elapsed"}. `deadline` is the frame's
// wake_at before the resume; `now` the activation's clock (the event's time with one).
stdlib::Value resumed_outcome(vm::Awaiting awaited, double deadline, const vm::Resume& resume, double now,
                              std::optional<int64_t> event_id);

}  // namespace flow::runtime::engine
