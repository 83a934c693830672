// Executions of a workflow (docs/runtime.md, "Executions"): list by status and page, one
// with its step history, cancel one, cancel all. The SQL is in engine/executions.hpp.
#include <cstdint>
#include <optional>
#include <string>

#include "runtime/api/api_error.hpp"
#include "runtime/api/routes.hpp"
#include "runtime/engine/executions.hpp"

namespace flow::runtime::api {

namespace {

using nlohmann::json;

[[noreturn]] void no_workflow(int64_t id) { throw not_found("no workflow " + std::to_string(id)); }

http::Response list_executions(Context& context) {
  const int64_t workflow_id = context.id_param("id");
  engine::ExecutionQuery query;
  if (const auto status = context.query("status"); status && !status->empty()) {
    if (!engine::is_execution_status(*status)) {
      throw invalid_request("`status` must be one of RUNNING, WAITING, COMPLETED, EXITED, FAILED, CANCELLED");
    }
    query.status = *status;
  }
  query.page = context.query_number("page", 1, INT32_MAX);
  query.per_page = context.query_number("per_page", engine::kDefaultPerPage, engine::kMaxPerPage);
  auto page = engine::list_executions(context.db(), workflow_id, query);
  if (!page) no_workflow(workflow_id);
  (*page)["success"] = true;
  return json_response(*page);
}

http::Response get_execution(Context& context) {
  const int64_t workflow_id = context.id_param("id");
  const int64_t execution_id = context.id_param("execId");
  const auto execution = engine::get_execution(context.db(), workflow_id, execution_id);
  if (!execution)
    throw not_found("workflow " + std::to_string(workflow_id) + " has no execution " + std::to_string(execution_id));
  return json_response(*execution);
}

// Cancelling a cancelled execution again succeeds (a retried DELETE sees what it asked
// for); one that ended by itself cannot be cancelled: 409.
http::Response cancel_execution(Context& context) {
  const int64_t workflow_id = context.id_param("id");
  const int64_t execution_id = context.id_param("execId");
  auto& db = context.db();
  const auto result = engine::cancel_execution(db, workflow_id, execution_id, context.services.engine.now());
  using Outcome = engine::CancelResult::Outcome;
  if (result.outcome == Outcome::NotFound) {
    throw not_found("workflow " + std::to_string(workflow_id) + " has no execution " + std::to_string(execution_id));
  }
  if (result.outcome == Outcome::Ended) {
    throw conflict("execution " + std::to_string(execution_id) + " has already ended (" + result.status + ")");
  }
  return json_response({{"success", true},
                        {"cancelled", result.outcome == Outcome::Cancelled},
                        {"execution", *engine::get_execution(db, workflow_id, execution_id)}});
}

http::Response cancel_all_executions(Context& context) {
  const int64_t workflow_id = context.id_param("id");
  const auto count = engine::cancel_all_executions(context.db(), workflow_id, context.services.engine.now());
  if (!count) no_workflow(workflow_id);
  return json_response({{"success", true}, {"cancelled", *count}});
}

}  // namespace

void add_execution_routes(Router& router) {
  router.add("GET", "/v1/workflows/{id}/executions", Access::Secret, list_executions);
  router.add("DELETE", "/v1/workflows/{id}/executions", Access::Secret, cancel_all_executions);
  router.add("GET", "/v1/workflows/{id}/executions/{execId}", Access::Secret, get_execution);
  router.add("DELETE", "/v1/workflows/{id}/executions/{execId}", Access::Secret, cancel_execution);
}

}  // namespace flow::runtime::api
