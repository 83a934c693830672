#include "runtime/engine/track.hpp"

#include "runtime/engine/contact.hpp"
#include "runtime/engine/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

std::vector<int64_t> ids(const store::Result& rows) {
  std::vector<int64_t> out;
  for (const auto row : rows) out.push_back(row.get<int64_t>("id"));
  return out;
}

}  // namespace

bool is_reserved_event(std::string_view name) {
  return name.starts_with("email.") || name == "contact.subscribed" || name == "contact.unsubscribed";
}

TrackResult track(store::Connection& conn, const TrackRequest& request, double now) {
  if (request.event.empty()) throw Refused("event is empty");
  if (is_reserved_event(request.event)) {
    throw Refused("\"" + request.event + "\" is reserved for events flowd records itself (email.*, contact.subscribed, "
                  "contact.unsubscribed)");
  }
  if (!request.data.is_object()) throw Refused("data must be an object");
  const std::string email = normalise_email(request.email);
  const std::string data = request.data.dump();
  return store::with_transaction(conn, [&](store::Connection& c) {
    TrackResult result;
    // The upsert holds the contact's row lock until commit, so two tracks of one contact
    // run the enrolment check below one after the other (each statement of READ COMMITTED
    // sees what the other committed) and re-entry "never" cannot enrol twice.
    // Lock order: the contact first, then its executions (the wake-up below); a worker's
    // claim takes the contact with the execution, never after it (docs/runtime.md).
    result.contact_id = upsert_contact(c, email, request.subscribed, data);
    result.event_id = c.exec(
                           "INSERT INTO events (contact_id, name, data, created_at) "
                           "VALUES ($1, $2, $3::jsonb, to_timestamp($4::float8)) RETURNING id",
                           result.contact_id, request.event, data, now)
                          .one()
                          .get<int64_t>("id");
    // A new execution has no frame yet; resume_event_id names its trigger, which the worker
    // starts it with. Re-entry off: never a second time; on: not while one is unfinished.
    result.started = ids(c.exec(
        "INSERT INTO executions (contact_id, workflow_id, module_hash, status, wake_at, resume_event_id, started_at) "
        "SELECT $1, w.id, w.module_hash, 'RUNNING', to_timestamp($3::float8), $4, to_timestamp($3::float8) "
        "FROM workflows w WHERE w.enabled AND w.trigger = $2 AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.contact_id = $1 "
        "AND e.workflow_id = w.id AND (NOT w.reentry OR e.status IN ('RUNNING', 'WAITING'))) "
        "ORDER BY w.id RETURNING id",
        result.contact_id, request.event, now, result.event_id));
    // Disabled workflows included: disabling stops enrolments, not running executions. The
    // row lock taken here against a worker's claim settles the wait's race (docs/runtime.md).
    result.resumed = ids(c.exec(
        "UPDATE executions SET resume_event_id = $3, wake_at = to_timestamp($4::float8), updated_at = now() "
        "WHERE contact_id = $1 AND status = 'WAITING' AND waiting_event = $2 AND resume_event_id IS NULL "
        "RETURNING id",
        result.contact_id, request.event, result.event_id, now));
    // NOTIFY is transactional: workers hear it only if this commits.
    if (!result.started.empty() || !result.resumed.empty()) c.notify("flow_work");
    return result;
  });
}

}  // namespace flow::runtime::engine
