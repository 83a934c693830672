#include "runtime/engine/track.hpp"

#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include "runtime/engine/contact.hpp"
#include "runtime/engine/error.hpp"
#include "runtime/store/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

// For the rest of a batch's transaction (set_config's is_local). Its statements take arrays,
// so PostgreSQL's custom plans (its choice here: one per call, 0.3 ms for the statement that
// records the events) buy nothing; they are written so that their generic plans look rows
// up by key, and without seq scans those plans cannot be made to scan a table that was a
// page or two when they were made (Engine::kWorkerSessionSetup).
constexpr const char* kBatchSettings =
    "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";

// "3,17" (string_agg of ids) as ids; empty for NULL.
std::vector<int64_t> id_list(const std::optional<std::string>& text) {
  std::vector<int64_t> out;
  if (!text) return out;
  const char* at = text->data();
  const char* end = at + text->size();
  while (at < end) {
    int64_t id = 0;
    at = std::from_chars(at, end, id).ptr + 1;  // past the comma
    out.push_back(id);
  }
  return out;
}

// The statement that records a batch's events and what they cause, given its contacts
// upserted: $1 emails, $2 event names, $3 event data (JSON text), $4 the time. It inserts
// the events, wakes each contact's executions waiting for its event, and enrols each
// contact in the workflows its event triggers. One row per event and enrolment (the
// enrolment's columns NULL for an event that enrols in nothing), with the event's id,
// contact and the ids of the executions it woke (`resumed`, "3,17").
//
// The workflows an event enrols its contact in: enabled, triggered by it, and re-entry off:
// never a second time; on: not while one is unfinished. A new execution's resume_event_id
// names its trigger, which activate_all starts it with.
// The generic plan must find a contact's executions through the primary key (contact_id,
// id), however young the table: `x.status || ''` is there so that the partial indexes on
// status cannot be chosen instead (the plan made while the table was young walked
// executions_active_module, every live execution, 0.26 ms a call), and `workflow_id + 0`
// keeps executions_by_workflow out of the enrolment's check; the NOT EXISTS has an OFFSET
// so that it stays a lookup per row instead of becoming a join.
// The wake-up comes before the new executions are written (a CTE reads the snapshot the
// statement started with), so an execution waiting for the very event that started it is
// not woken by it. Disabled workflows included: disabling stops enrolments, not running
// executions. The row lock taken here against a worker's claim settles the wait's race
// (docs/runtime.md).
// `enrolled`: left to the workers, the new executions are inserted RUNNING and due now;
// started here, they get an id from the sequence each and the columns activate_all reads
// (named as in kActivationColumns), and activate_all inserts each as its first activation
// leaves it. The ids are drawn over the sorted rows, so that they follow the workflows'
// order too.
std::string record_events_sql(bool start_here) {
  const std::string events =
      "WITH ev AS (INSERT INTO events (contact_id, name, data, created_at) "
      "SELECT t.contact_id, t.name, t.data::jsonb, to_timestamp($4::float8) FROM (SELECT (SELECT c.id FROM contacts c "
      "WHERE c.email = u.email) AS contact_id, u.name, u.data, u.n FROM unnest($1::text[], $2::text[], $3::text[]) "
      "WITH ORDINALITY AS u(email, name, data, n)) t WHERE t.contact_id IS NOT NULL ORDER BY t.n "
      "RETURNING id, contact_id, name, data, created_at), "
      "woken AS (UPDATE executions x SET resume_event_id = (SELECT ev.id FROM ev WHERE ev.contact_id = x.contact_id), "
      "wake_at = to_timestamp($4::float8), updated_at = now() "
      "WHERE x.contact_id = ANY (ARRAY(SELECT contact_id FROM ev)) AND x.status || '' = 'WAITING' "
      "AND x.waiting_event = (SELECT ev.name FROM ev WHERE ev.contact_id = x.contact_id) "
      "AND x.resume_event_id IS NULL RETURNING x.id, x.contact_id), ";
  const std::string triggered =
      "ev JOIN workflows w ON w.trigger = ev.name AND w.enabled WHERE NOT EXISTS (SELECT 1 FROM executions x "
      "WHERE x.contact_id = ev.contact_id AND x.workflow_id + 0 = w.id "
      "AND (NOT w.reentry OR x.status IN ('RUNNING', 'WAITING')) OFFSET 0)";
  const std::string enrolled =
      start_here ? "enrolled AS (SELECT nextval('executions_id_seq') AS id, * FROM (SELECT ev.id AS event_id, "
                   "w.id AS workflow_id, w.name AS workflow_name, w.module_hash FROM " + triggered +
                   " ORDER BY ev.contact_id, w.id) o) "
                 : "enrolled AS (INSERT INTO executions (contact_id, workflow_id, module_hash, status, wake_at, "
                   "resume_event_id, started_at) SELECT ev.contact_id, w.id, w.module_hash, 'RUNNING', "
                   "to_timestamp($4::float8), ev.id, to_timestamp($4::float8) FROM " + triggered +
                   " ORDER BY ev.contact_id, w.id RETURNING id, resume_event_id AS event_id, workflow_id) ";
  // NOTIFY once per transaction however often it is called: PostgreSQL delivers identical
  // notifications of one transaction once. Left to the workers, a new execution wakes them
  // too.
  const std::string notify =
      std::string("CASE WHEN EXISTS (SELECT 1 FROM woken k WHERE k.contact_id = ev.contact_id)") +
      (start_here ? "" : " OR n.id IS NOT NULL") + " THEN pg_notify('flow_work', '') END AS notified";
  return events + enrolled +
         "SELECT ev.id AS event_id, ev.contact_id, c.email, c.subscribed, c.data::text AS contact_data, "
         "ev.name AS event_name, ev.data::text AS event_data, extract(epoch FROM ev.created_at)::float8 AS event_at, "
         "ev.id AS resume_event_id, NULL::bytea AS frame, 0 AS effects, n.id, n.workflow_id" +
         std::string(start_here ? ", n.workflow_name, n.module_hash" : "") +
         ", (SELECT string_agg(k.id::text, ',' ORDER BY k.id) FROM woken k WHERE k.contact_id = ev.contact_id) "
         "AS resumed, " + notify +
         " FROM ev CROSS JOIN LATERAL (SELECT email, subscribed, data FROM contacts WHERE id = ev.contact_id "
         "OFFSET 0) c LEFT JOIN enrolled n ON n.event_id = ev.id ORDER BY ev.id, n.id";
}

// What a batch's statement returned, sorted out by request: `index_of` maps a contact's email
// to its request.
struct Recorded {
  std::vector<TrackResult> results;
  std::vector<store::Row> enrolments;  // for activate_all
};

Recorded sort_out(const store::Result& rows, std::span<const Track> tracks) {
  std::unordered_map<std::string_view, size_t> index_of;
  for (size_t i = 0; i < tracks.size(); ++i) index_of.emplace(tracks[i].email, i);
  Recorded out;
  out.results.resize(tracks.size());
  std::vector<bool> seen(tracks.size());
  for (const store::Row& row : rows.rows()) {
    const auto found = index_of.find(row.get<std::string>("email"));
    if (found == index_of.end()) throw std::logic_error("a track recorded an event of a contact it was not given");
    TrackResult& result = out.results[found->second];
    if (!seen[found->second]) {
      seen[found->second] = true;
      result.contact_id = row.get<int64_t>("contact_id");
      result.event_id = row.get<int64_t>("event_id");
      result.resumed = id_list(row.get<std::optional<std::string>>("resumed"));
    }
    if (const auto id = row.get<std::optional<int64_t>>("id")) {
      result.started.push_back(*id);
      out.enrolments.push_back(row);
    }
  }
  // A contact deleted between the upsert's insert (which found it) and its update (which
  // then found no row) has no event (the statement skips a contact it cannot find): running
  // the batch again makes the contact anew.
  for (const bool recorded : seen)
    if (!recorded) throw store::Error(store::sqlstate::kSerializationFailure, "a tracked contact was deleted meanwhile");
  return out;
}

}  // namespace

bool is_reserved_event(std::string_view name) {
  return name.starts_with("email.") || name == "contact.subscribed" || name == "contact.unsubscribed";
}

Track checked(const TrackRequest& request) {
  if (request.event.empty()) throw Refused("event is empty");
  if (is_reserved_event(request.event)) {
    throw Refused("\"" + request.event + "\" is reserved for events flowd records itself (email.*, contact.subscribed, "
                  "contact.unsubscribed)");
  }
  if (!request.data.is_object()) throw Refused("data must be an object");
  return {normalise_email(request.email), request.event, request.subscribed, request.data.dump()};
}

TrackBatch track_all(store::Connection& conn, std::span<const Track> tracks, double now,
                     const std::optional<ActivationContext>& start) {
  std::unordered_set<std::string_view> emails;
  for (const Track& track : tracks)
    if (!emails.insert(track.email).second) throw std::invalid_argument("a batch of tracks names a contact twice");
  if (tracks.empty()) return {};
  ContactUpserts contacts;
  store::ArrayLiteral emails_array, names, data;
  for (const Track& track : tracks) {
    contacts.add(track.email, track.subscribed, track.data_json);
    emails_array.add(track.email);
    names.add(track.event);
    data.add(track.data_json);
  }
  static const std::string record_and_start = record_events_sql(true);
  static const std::string record_and_enrol = record_events_sql(false);
  // Two round trips (Connection::defer): the upsert and the statement that records the
  // events, read; then the activations' writes, if the track starts the executions, with the
  // COMMIT.
  TrackBatch batch;
  store::with_transaction(conn, [&](store::Connection& c) {
    c.defer(kBatchSettings);
    // Lock order: the contacts first, then their executions (the wake-up, the new ones); a
    // worker's claim takes the contact with the execution, never after it (docs/runtime.md).
    contacts.defer(c);
    const auto rows =
        c.exec(start ? record_and_start : record_and_enrol, emails_array.literal(), names.literal(), data.literal(), now);
    Recorded sorted = sort_out(rows, tracks);
    batch.tracks = std::move(sorted.results);
    batch.steps = 0;
    if (!start) return;
    const Activations activations = activate_all(c, *start, sorted.enrolments, Stored::No);
    batch.steps = activations.steps;
    // A worker sleeps until the next timer it knows of, or kWorkerRecheck: one that falls due
    // sooner must be told (NOTIFY is transactional: it hears it only if this commits). A
    // millisecond of slack: the activations ran by the event's time, which PostgreSQL rounded
    // to microseconds, so a delay of exactly the recheck would otherwise notify half the time.
    const double recheck = std::chrono::duration<double>(kWorkerRecheck).count() - 0.001;
    if (activations.next_wake && *activations.next_wake < now + recheck) c.notify_on_commit("flow_work");
  });
  return batch;
}

TrackResult track(store::Connection& conn, const TrackRequest& request, double now,
                  const std::optional<ActivationContext>& start) {
  const Track one = checked(request);
  return std::move(track_all(conn, std::span(&one, 1), now, start).tracks.front());
}

}  // namespace flow::runtime::engine
