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

TrackResult track(store::Connection& conn, const TrackRequest& request, double now,
                  const std::optional<ActivationContext>& start) {
  if (request.event.empty()) throw Refused("event is empty");
  if (is_reserved_event(request.event)) {
    throw Refused("\"" + request.event + "\" is reserved for events flowd records itself (email.*, contact.subscribed, "
                  "contact.unsubscribed)");
  }
  if (!request.data.is_object()) throw Refused("data must be an object");
  const std::string email = normalise_email(request.email);
  const std::string data = request.data.dump();
  // Starting the executions, two round trips (Connection::defer): the statements up to the
  // enrolment, then the activations' writes with the wake-up and the COMMIT; leaving them
  // to the workers, one: everything with the COMMIT. The statements after the upsert
  // find the contact by its email and the event by its sequence's currval rather than wait
  // for their ids. The contact's id is a scalar subquery, which PostgreSQL runs once, before
  // the rest, and looks executions up by it; written as a join with contacts, the enrolment
  // took 1.3 ms a call in the benchmark (now 0.04 ms).
  // currval('events_id_seq') (events.id is a bigserial, migration 1) is this session's
  // event: the insert before it always inserts exactly one row, the upsert having made the
  // contact.
  static const std::string contact_id = "SELECT id FROM contacts WHERE email = $1";
  // The workflows the event enrols the contact in: enabled, triggered by it, and re-entry
  // off: never a second time; on: not while one is unfinished. A new execution's
  // resume_event_id names its trigger, which activate_all starts it with.
  static const std::string enrolling =
      "workflows w WHERE w.enabled AND w.trigger = $2 AND NOT EXISTS (SELECT 1 FROM executions x "
      "WHERE x.contact_id = (" + contact_id + ") AND x.workflow_id = w.id "
      "AND (NOT w.reentry OR x.status IN ('RUNNING', 'WAITING')))";
  // Left to the workers: inserted RUNNING and due now, and the workers told (once: PostgreSQL
  // delivers identical notifications of one transaction once).
  static const std::string enrol =
      "WITH started AS (INSERT INTO executions (contact_id, workflow_id, module_hash, status, wake_at, "
      "resume_event_id, started_at) SELECT c.id, w.id, w.module_hash, 'RUNNING', to_timestamp($3::float8), "
      "currval('events_id_seq'), to_timestamp($3::float8) FROM (" + contact_id + ") c, " + enrolling +
      " ORDER BY w.id RETURNING id) SELECT id, pg_notify('flow_work', '') FROM started ORDER BY id";
  // Started here: an id from the sequence each, and the columns activate_all reads (named
  // as in kActivationColumns), the contact as this transaction wrote it and the event as the
  // insert above stored it ($4: its data, normalised by jsonb as there), without joining the
  // event back; activate_all inserts each execution as its first activation leaves it.
  // The ids are drawn over the sorted rows, so that they follow the workflows' order too.
  static const std::string enrol_to_start =
      "SELECT nextval('executions_id_seq') AS id, * FROM (SELECT c.id AS contact_id, w.id AS workflow_id, "
      "NULL::bytea AS frame, currval('events_id_seq') AS resume_event_id, 0 AS effects, w.name AS workflow_name, "
      "w.module_hash, c.email, c.subscribed, c.data::text AS contact_data, $2::text AS event_name, "
      "$4::jsonb::text AS event_data, extract(epoch FROM to_timestamp($3::float8))::float8 AS event_at "
      "FROM (SELECT id, email, subscribed, data FROM contacts WHERE email = $1) c, " + enrolling +
      " ORDER BY w.id) enrolled";
  // Disabled workflows included: disabling stops enrolments, not running executions. The
  // row lock taken here against a worker's claim settles the wait's race (docs/runtime.md).
  static const std::string wake =
      "WITH woken AS (UPDATE executions SET resume_event_id = currval('events_id_seq'), "
      "wake_at = to_timestamp($3::float8), updated_at = now() WHERE contact_id = (" + contact_id + ") "
      "AND status = 'WAITING' AND waiting_event = $2 AND resume_event_id IS NULL RETURNING id) "
      "SELECT id, pg_notify('flow_work', '') FROM woken";
  TrackResult result;
  store::Connection::Deferred contact, event, enrolled, resumed;
  store::with_transaction(conn, [&](store::Connection& c) {
    // The upsert holds the contact's row lock until commit, so two tracks of one contact
    // run the enrolment check below one after the other (each statement of READ COMMITTED
    // sees what the other committed) and re-entry "never" cannot enrol twice.
    // Lock order: the contact first, then its executions (the new ones, the wake-up below);
    // a worker's claim takes the contact with the execution, never after it
    // (docs/runtime.md).
    contact = upsert_contact(c, email, request.subscribed, data);
    event = c.defer(
        "INSERT INTO events (contact_id, name, data, created_at) "
        "SELECT id, $2, $3::jsonb, to_timestamp($4::float8) FROM contacts WHERE email = $1 RETURNING id",
        email, request.event, data, now);
    result.steps = 0;
    if (!start) {
      enrolled = c.defer(enrol, email, request.event, now);
      resumed = c.defer(wake, email, request.event, now);
      return;
    }
    const auto started = c.exec(enrol_to_start, email, request.event, now, data);
    // Queued before the activations below write their frames, so that a new execution
    // waiting for the very event that started it is not woken by it.
    resumed = c.defer(wake, email, request.event, now);
    const Activations activations = activate_all(c, *start, started, Stored::No);
    result.started = ids(started);
    result.steps = activations.steps;
    // A worker sleeps until the next timer it knows of, or kWorkerRecheck: one that falls due
    // sooner must be told (NOTIFY is transactional: it hears it only if this commits). A
    // millisecond of slack: the activations ran by the event's time, which PostgreSQL rounded
    // to microseconds, so a delay of exactly the recheck would otherwise notify half the time.
    const double recheck = std::chrono::duration<double>(kWorkerRecheck).count() - 0.001;
    if (activations.next_wake && *activations.next_wake < now + recheck) c.notify_on_commit("flow_work");
  });
  if (!start) result.started = ids(enrolled.result());
  result.contact_id = contact.result().one().get<int64_t>("id");
  result.event_id = event.result().one().get<int64_t>("id");
  result.resumed = ids(resumed.result());
  return result;
}

}  // namespace flow::runtime::engine
