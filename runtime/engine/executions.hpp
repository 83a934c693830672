#pragma once
// The executions of a workflow as the API shows them (list, one with its step history) and
// their cancellation (docs/runtime.md, "Executions"). Results are JSON built by PostgreSQL.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

inline constexpr int64_t kDefaultPerPage = 20;
inline constexpr int64_t kMaxPerPage = 100;

struct ExecutionQuery {
  std::optional<std::string> status;   // one of the statuses; none: all
  int64_t page = 1;                    // from 1
  int64_t per_page = kDefaultPerPage;  // 1..kMaxPerPage
};

// RUNNING WAITING COMPLETED EXITED FAILED CANCELLED.
bool is_execution_status(std::string_view status);

// {items: [...], page, per_page, total, pages}, newest first; nullopt when there is no such
// workflow. Refused for a status that is not one, or a page out of range (the API checks
// both first, to name the query parameter).
std::optional<nlohmann::json> list_executions(store::Connection& conn, int64_t workflow_id,
                                              const ExecutionQuery& query);

// One execution of the workflow with `history` (its step rows in order); nullopt when the
// workflow has no such execution.
std::optional<nlohmann::json> get_execution(store::Connection& conn, int64_t workflow_id, int64_t execution_id);

struct CancelResult {
  enum class Outcome { NotFound, Cancelled, AlreadyCancelled, Ended } outcome = Outcome::NotFound;
  std::string status;  // Ended: the status it ended with (COMPLETED, EXITED or FAILED)
};

// Cancels one RUNNING or WAITING execution: CANCELLED, no frame, no wake-up; its open step
// is finished as cancelled and its pending mail and webhook calls never go out. Waits for a
// worker that holds the execution (mid-activation) and cancels what that worker left.
CancelResult cancel_execution(store::Connection& conn, int64_t workflow_id, int64_t execution_id, double now);

// Cancels every RUNNING or WAITING execution of the workflow; the number cancelled, or
// nullopt when there is no such workflow.
std::optional<int64_t> cancel_all_executions(store::Connection& conn, int64_t workflow_id, double now);

}  // namespace flow::runtime::engine
