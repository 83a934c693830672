#pragma once
// step_history rows of one activation. The interpreter reports each step entered through
// its observer; the rows are written after the interpreter returns, never from inside the
// observer, because the VM turns any exception thrown while it runs into a Failed effect
// and a database error must abort the transaction instead.
//
// Every row says how its step went (`outcome`, docs/runtime.md "Step history"): the effect a
// step produced, the arm a condition took, and, once a suspension is over, how it ended.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/module.hpp"
#include "runtime/store/connection.hpp"
#include "vm/effect.hpp"
#include "vm/frame.hpp"
#include "vm/interpreter.hpp"

namespace flow::runtime::engine {

// The step_history rows of a batch of activations, inserted by one statement (`unnest` of
// array parameters) instead of one each: a claim of 16 timers inserts 16 rows with one
// statement, a track its new execution's first steps. Only the inserts are batched so: an
// UPDATE joined to `unnest` gets a plan made while the table is young and cached (a hash
// join over a scan of the whole table, 1 ms a call in the benchmark), while an UPDATE by
// key always finds its row through the primary key.
class HistoryRows {
 public:
  void add(int64_t contact_id, int64_t execution_id, int32_t step, std::string_view kind, const std::string& label,
           bool open, const std::optional<std::string>& outcome, const std::optional<std::string>& error);
  // Defers the INSERT of the rows added (none: nothing), started (and, unless open,
  // finished) at `now`.
  void defer(store::Connection& conn, double now) const;

 private:
  std::array<store::ArrayLiteral, 8> columns_;  // one array parameter per column
  size_t count_ = 0;
};

class StepHistory {
 public:
  StepHistory(store::Connection& conn, HistoryRows& rows, const bytecode::Module& module, int64_t contact_id,
              int64_t execution_id, double now);

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

  store::Connection& conn_;
  HistoryRows& rows_;
  const bytecode::Module& module_;
  int64_t contact_id_, execution_id_;
  double now_;
  std::vector<uint32_t> pending_;
  size_t recorded_ = 0;
};

// How a suspension ended, for its row: a wait {result: "received", event_id, event} or
// {result: "timeout"}, by the same rule the VM settles the race with; a webhook
// {result: "response", status}; a delay {result: "elapsed"}. `deadline` is the frame's
// wake_at before the resume; `now` the activation's clock (the event's time with one).
stdlib::Value resumed_outcome(vm::Awaiting awaited, double deadline, const vm::Resume& resume, double now,
                              std::optional<int64_t> event_id);

// Finishes an execution's open rows at `now`, merging the JSON object `outcome` into their
// outcome: the end of a suspension, or a cancellation ({"result": "cancelled"}).
void finish_open_steps(store::Connection& conn, int64_t contact_id, int64_t execution_id, double now,
                       const std::string& outcome);

}  // namespace flow::runtime::engine
