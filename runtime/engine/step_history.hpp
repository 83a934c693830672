#pragma once
// step_history rows of one activation. The interpreter reports each step entered through
// its observer; the rows are written after the interpreter returns, never from inside the
// observer, because the VM turns any exception thrown while it runs into a Failed effect
// and a database error must abort the transaction instead.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bytecode/module.hpp"
#include "runtime/store/connection.hpp"
#include "vm/effect.hpp"

namespace flow::runtime::engine {

class StepHistory {
 public:
  StepHistory(store::Connection& conn, const bytecode::Module& module, int64_t contact_id, int64_t execution_id,
              double now);

  // For Interpreter::set_step_observer.
  void entered(uint32_t step) { pending_.push_back(step); }
  bool has_pending() const { return !pending_.empty(); }

  // Writes a row per step entered since the last call. The row of the step that produced
  // `effect` gets its outcome (`result` added when not empty: "queued", "suppressed");
  // steps that suspend (delay, wait, webhook) stay open until close_open() finishes them.
  void record(const vm::Effect& effect, std::string_view result = {});

  // Finishes the rows left open by a suspension, once the execution has moved past it.
  void close_open();

 private:
  store::Connection& conn_;
  const bytecode::Module& module_;
  int64_t contact_id_, execution_id_;
  double now_;
  std::vector<uint32_t> pending_;
};

}  // namespace flow::runtime::engine
