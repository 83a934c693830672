#include "runtime/engine/executions.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "runtime/engine/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 6> kStatuses = {"RUNNING", "WAITING", "COMPLETED",
                                                       "EXITED",  "FAILED",  "CANCELLED"};

// A timestamp as RFC 3339 in UTC (the API's form), or SQL NULL.
std::string iso(std::string_view column) {
  return "to_char(" + std::string(column) + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

// One execution as a JSON object (the text of a json value), from `executions e JOIN
// contacts c`; its current step's label and kind come from the step's latest history row.
std::string execution_json() {
  return "json_build_object('id', e.id, 'workflow_id', e.workflow_id, "
         "'contact', json_build_object('id', e.contact_id, 'email', c.email), 'status', e.status, "
         "'current_step', CASE WHEN e.current_step IS NULL THEN NULL ELSE json_build_object('index', e.current_step, "
         "'label', s.label, 'kind', s.kind) END, "
         "'waiting_event', e.waiting_event, 'wake_at', " +
         iso("e.wake_at") + ", 'started_at', " + iso("e.started_at") + ", 'updated_at', " + iso("e.updated_at") +
         ", 'ended_at', " + iso("e.ended_at") +
         ", 'exit_reason', e.exit_reason, 'error', e.error)::text AS execution "
         "FROM executions e JOIN contacts c ON c.id = e.contact_id "
         "LEFT JOIN LATERAL (SELECT h.label, h.kind FROM step_history h WHERE h.contact_id = e.contact_id "
         "AND h.execution_id = e.id AND h.step = e.current_step ORDER BY h.id DESC LIMIT 1) s ON true ";
}

bool workflow_exists(store::Connection& conn, int64_t workflow_id) {
  return !conn.exec("SELECT 1 FROM workflows WHERE id = $1", workflow_id).empty();
}

// Executions by key, passed to SQL as two parallel arrays for `unnest`.
struct Ids {
  std::vector<int64_t> contacts, executions;

  size_t size() const { return executions.size(); }
  std::pair<std::string, std::string> arrays() const {
    return {store::array_literal(contacts), store::array_literal(executions)};
  }
};

constexpr const char* kSelected = "SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS x(contact_id, execution_id)";

// Mail and webhook calls of the executions that have not gone out are cancelled. `wait`:
// also those a worker holds right now (in flight), once it lets go; without it they are
// skipped, since that worker may be about to wait for an execution the caller has locked.
void cancel_pending_work(store::Connection& conn, const Ids& ids, bool wait) {
  const auto [contacts, executions] = ids.arrays();
  for (const char* table : {"outbox", "webhook_calls"}) {
    conn.exec(std::string("UPDATE ") + table +
                  " SET status = 'CANCELLED' WHERE (contact_id, id) IN (SELECT t.contact_id, t.id FROM " + table +
                  " t JOIN (" + kSelected + ") x USING (contact_id, execution_id) WHERE t.status = 'PENDING' " +
                  (wait ? "FOR UPDATE OF t" : "FOR UPDATE OF t SKIP LOCKED") + ")",
              contacts, executions);
  }
}

// Cancels the executions, locked by the caller and still RUNNING or WAITING.
void cancel_locked(store::Connection& conn, const Ids& ids, double now) {
  const auto [contacts, executions] = ids.arrays();
  conn.exec(
      std::string("UPDATE executions e SET status = 'CANCELLED', frame = NULL, wake_at = NULL, waiting_event = NULL, "
                  "resume_event_id = NULL, updated_at = to_timestamp($3::float8), ended_at = to_timestamp($3::float8) "
                  "FROM (") +
          kSelected + ") x WHERE e.contact_id = x.contact_id AND e.id = x.execution_id",
      contacts, executions, now);
  conn.exec(std::string("UPDATE step_history h SET finished_at = to_timestamp($3::float8), "
                        "outcome = coalesce(h.outcome, '{}'::jsonb) || '{\"result\": \"cancelled\"}'::jsonb FROM (") +
                kSelected +
                ") x WHERE h.contact_id = x.contact_id AND h.execution_id = x.execution_id AND h.finished_at IS NULL",
            contacts, executions, now);
  cancel_pending_work(conn, ids, /*wait=*/false);
}

// Locks the workflow's live executions (one, or all when `execution_id` is none) and
// cancels them. A row a worker holds is waited for; READ COMMITTED then re-checks the
// status, so one that ended meanwhile is left alone. Rows are locked in one order, so two
// cancels cannot deadlock.
Ids cancel_live(store::Connection& conn, int64_t workflow_id, std::optional<int64_t> execution_id, double now) {
  Ids ids;
  const auto rows = conn.exec(
      "SELECT contact_id, id FROM executions WHERE workflow_id = $1 AND ($2::bigint IS NULL OR id = $2) "
      "AND status IN ('RUNNING', 'WAITING') ORDER BY contact_id, id FOR UPDATE",
      workflow_id, execution_id);
  for (const auto row : rows)
    ids.contacts.push_back(row.get<int64_t>("contact_id")), ids.executions.push_back(row.get<int64_t>("id"));
  if (ids.size() > 0) cancel_locked(conn, ids, now);
  return ids;
}

// Once the executions are CANCELLED no worker queues more for them, and what a worker was
// sending while the cancel ran can be waited for without a deadlock: if that attempt
// failed and was rescheduled, it is cancelled now.
void cancel_work_in_flight(store::Connection& conn, const Ids& ids) {
  if (ids.size() == 0) return;
  store::with_transaction(conn, [&](store::Connection& c) { cancel_pending_work(c, ids, /*wait=*/true); });
}

}  // namespace

bool is_execution_status(std::string_view status) {
  return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

std::optional<json> list_executions(store::Connection& conn, int64_t workflow_id, const ExecutionQuery& query) {
  if (query.status && !is_execution_status(*query.status)) {
    throw Refused("status must be one of RUNNING, WAITING, COMPLETED, EXITED, FAILED, CANCELLED");
  }
  if (query.page < 1) throw Refused("page must be 1 or more");
  if (query.per_page < 1 || query.per_page > kMaxPerPage) {
    throw Refused("per_page must be from 1 to " + std::to_string(kMaxPerPage));
  }
  if (!workflow_exists(conn, workflow_id)) return std::nullopt;
  const int64_t total =
      conn.exec("SELECT count(*) FROM executions WHERE workflow_id = $1 AND ($2::text IS NULL OR status = $2)",
                workflow_id, query.status)
          .one()
          .get<int64_t>(0);
  // A page past the end is empty, not an error: the total may have shrunk meanwhile.
  const int64_t offset = std::min(query.page - 1, total / query.per_page + 1) * query.per_page;
  const auto rows = conn.exec("SELECT " + execution_json() +
                                  "WHERE e.workflow_id = $1 AND ($2::text IS NULL OR e.status = $2) "
                                  "ORDER BY e.id DESC LIMIT $3 OFFSET $4",
                              workflow_id, query.status, query.per_page, offset);
  json items = json::array();
  for (const auto row : rows) items.push_back(json::parse(row.get<std::string>("execution")));
  return json{{"items", std::move(items)},
              {"page", query.page},
              {"per_page", query.per_page},
              {"total", total},
              {"pages", (total + query.per_page - 1) / query.per_page}};
}

std::optional<json> get_execution(store::Connection& conn, int64_t workflow_id, int64_t execution_id) {
  const auto rows =
      conn.exec("SELECT " + execution_json() + "WHERE e.workflow_id = $1 AND e.id = $2", workflow_id, execution_id);
  if (rows.empty()) return std::nullopt;
  json execution = json::parse(rows.one().get<std::string>("execution"));
  const auto history = conn.exec("SELECT json_build_object('step', step, 'label', label, 'kind', kind, 'started_at', " +
                                     iso("started_at") + ", 'finished_at', " + iso("finished_at") +
                                     ", 'outcome', outcome, 'error', error)::text AS row "
                                     "FROM step_history WHERE contact_id = $1 AND execution_id = $2 ORDER BY id",
                                 execution["contact"]["id"].get<int64_t>(), execution_id);
  json steps = json::array();
  for (const auto row : history) steps.push_back(json::parse(row.get<std::string>("row")));
  execution["history"] = std::move(steps);
  return execution;
}

CancelResult cancel_execution(store::Connection& conn, int64_t workflow_id, int64_t execution_id, double now) {
  CancelResult result;
  Ids cancelled;
  store::with_transaction(conn, [&](store::Connection& c) {
    cancelled = cancel_live(c, workflow_id, execution_id, now);
    if (cancelled.size() > 0) {
      result = {CancelResult::Outcome::Cancelled, ""};
      return;
    }
    const auto rows =
        c.exec("SELECT status FROM executions WHERE workflow_id = $1 AND id = $2", workflow_id, execution_id);
    const auto status = rows.empty() ? std::string() : rows.one().get<std::string>("status");
    result = {rows.empty()            ? CancelResult::Outcome::NotFound
              : status == "CANCELLED" ? CancelResult::Outcome::AlreadyCancelled
                                      : CancelResult::Outcome::Ended,
              status};
  });
  cancel_work_in_flight(conn, cancelled);
  return result;
}

std::optional<int64_t> cancel_all_executions(store::Connection& conn, int64_t workflow_id, double now) {
  if (!workflow_exists(conn, workflow_id)) return std::nullopt;
  const Ids cancelled = store::with_transaction(
      conn, [&](store::Connection& c) { return cancel_live(c, workflow_id, std::nullopt, now); });
  cancel_work_in_flight(conn, cancelled);
  return static_cast<int64_t>(cancelled.size());
}

}  // namespace flow::runtime::engine
