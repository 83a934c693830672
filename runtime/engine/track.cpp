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
  // One round trip (Connection::defer): the statements after the upsert find the contact
  // by its email and the event by its sequence's currval rather than wait for their ids.
  // The contact's id is a scalar subquery, which PostgreSQL runs once, before the rest, and
  // looks executions up by it; written as a join with contacts, the enrolment took 1.3 ms a
  // call in the benchmark (now 0.04 ms).
  // currval('events_id_seq') (events.id is a bigserial, migration 1) is this session's
  // event: the insert before it always inserts exactly one row, the upsert having made the
  // contact.
  static const std::string contact_id = "SELECT id FROM contacts WHERE email = $1";
  store::Connection::Deferred contact, event, started, resumed;
  store::with_transaction(conn, [&](store::Connection& c) {
    // The upsert holds the contact's row lock until commit, so two tracks of one contact
    // run the enrolment check below one after the other (each statement of READ COMMITTED
    // sees what the other committed) and re-entry "never" cannot enrol twice.
    // Lock order: the contact first, then its executions (the wake-up below); a worker's
    // claim takes the contact with the execution, never after it (docs/runtime.md).
    contact = upsert_contact(c, email, request.subscribed, data);
    event = c.defer(
        "INSERT INTO events (contact_id, name, data, created_at) "
        "SELECT id, $2, $3::jsonb, to_timestamp($4::float8) FROM contacts WHERE email = $1 RETURNING id",
        email, request.event, data, now);
    // A new execution has no frame yet; resume_event_id names its trigger, which the worker
    // starts it with. Re-entry off: never a second time; on: not while one is unfinished.
    started = c.defer(
        "INSERT INTO executions (contact_id, workflow_id, module_hash, status, wake_at, resume_event_id, started_at) "
        "SELECT c.id, w.id, w.module_hash, 'RUNNING', to_timestamp($3::float8), currval('events_id_seq'), "
        "to_timestamp($3::float8) FROM (" + contact_id + ") c, workflows w WHERE w.enabled AND w.trigger = $2 "
        "AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.contact_id = (" + contact_id + ") "
        "AND e.workflow_id = w.id AND (NOT w.reentry OR e.status IN ('RUNNING', 'WAITING'))) "
        "ORDER BY w.id RETURNING id",
        email, request.event, now);
    // Disabled workflows included: disabling stops enrolments, not running executions. The
    // row lock taken here against a worker's claim settles the wait's race (docs/runtime.md).
    resumed = c.defer(
        "UPDATE executions SET resume_event_id = currval('events_id_seq'), wake_at = to_timestamp($3::float8), "
        "updated_at = now() WHERE contact_id = (" + contact_id + ") AND status = 'WAITING' "
        "AND waiting_event = $2 AND resume_event_id IS NULL RETURNING id",
        email, request.event, now);
    // Workers hear it only if this commits, and only when an execution has work: every one
    // started or resumed above names this event.
    c.defer(
        "SELECT pg_notify('flow_work', '') WHERE EXISTS (SELECT 1 FROM executions "
        "WHERE contact_id = (" + contact_id + ") AND resume_event_id = currval('events_id_seq'))",
        email);
  });
  return TrackResult{contact.result().one().get<int64_t>("id"), event.result().one().get<int64_t>("id"),
                     ids(started.result()), ids(resumed.result())};
}

}  // namespace flow::runtime::engine
