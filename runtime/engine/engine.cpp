#include "runtime/engine/engine.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/engine/activation.hpp"
#include "runtime/engine/contact.hpp"
#include "runtime/engine/metrics.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

// Executions that can still run. Written as NOT IN the ended statuses on purpose (see
// claim_sql).
constexpr const char* kLive = "status NOT IN ('COMPLETED', 'EXITED', 'FAILED', 'CANCELLED')";

// The event columns event_name, event_data, event_at of a row, when there is an event.
std::optional<ClaimedEvent> event_of(const store::Row& row) {
  const auto name = row.get<std::optional<std::string>>("event_name");
  if (!name) return std::nullopt;
  return ClaimedEvent{*name, row.get<std::string>("event_data"), row.get<double>("event_at")};
}

Claimed claimed_execution(const store::Row& row) {
  Claimed execution;
  execution.id = row.get<int64_t>("id");
  execution.contact_id = row.get<int64_t>("contact_id");
  execution.workflow_id = row.get<int64_t>("workflow_id");
  execution.frame = row.get<std::optional<store::Bytes>>("frame");
  execution.resume_event_id = row.get<std::optional<int64_t>>("resume_event_id");
  execution.event = event_of(row);
  execution.workflow_name = row.get<std::optional<std::string>>("workflow_name");
  execution.module_hash = row.get<std::optional<int64_t>>("module_hash");
  execution.effects = row.get<int32_t>("effects");
  return execution;
}

// The contact's row is locked with the execution's: /v1/track locks contact, then
// executions, and `update contact` writes the contact, so an activation taking the contact
// only then would lock in the opposite order (docs/runtime.md, "Lock order"). SKIP LOCKED
// on both: a claim never waits; a contact busy in a track is left for later.
// Only a live execution is claimed: a cancelled one never runs again. The status test is
// written as NOT IN the ended ones on purpose: as `IN ('RUNNING', 'WAITING')` it matches the
// partial index executions_active_module, and the plan PostgreSQL caches for this prepared
// statement on a young database scanned every active execution and sorted them (2.5 ms a
// claim) instead of walking executions_due in order (0.04 ms). The LIMIT is written in the
// text, not a parameter: with it unknown, the generic plan looked dearer than the custom
// ones, so PostgreSQL planned every claim again (0.34 ms each).
// What the activations read comes with the claim: the rows it locks, as their latest
// versions (the execution with its effect counter, the contact), the workflow's name and
// module (LEFT JOIN: a deleted workflow leaves them null, and activate() fails the
// execution), and the event resume_event_id names. That join alone sees the claim's
// snapshot: see read_event_again. What the activations write is deferred to the COMMIT, so
// a batch costs two round trips.
std::string claim_sql(int batch) {
  return "SELECT e.id, e.contact_id, e.workflow_id, e.frame, e.resume_event_id, e.effects, w.name AS workflow_name, "
         "COALESCE(e.module_hash, w.module_hash) AS module_hash, c.email, c.subscribed, c.data::text AS contact_data, "
         "ev.name AS event_name, ev.data::text AS event_data, extract(epoch FROM ev.created_at)::float8 AS event_at "
         "FROM executions e JOIN contacts c ON c.id = e.contact_id LEFT JOIN workflows w ON w.id = e.workflow_id "
         "LEFT JOIN events ev ON ev.contact_id = e.contact_id AND ev.id = e.resume_event_id "
         "WHERE e.wake_at <= to_timestamp($1::float8) AND e." + std::string(kLive) + " ORDER BY e.wake_at LIMIT " +
         std::to_string(batch) + " FOR NO KEY UPDATE OF c SKIP LOCKED FOR UPDATE OF e SKIP LOCKED";
}

// A claim that reached its row just after a track's resume committed: the row is the latest
// version (resume_event_id set), but the claim's snapshot predates the commit, so the join
// found no event. Events never change once written, so reading it now is enough.
void read_event_again(store::Connection& conn, Claimed& execution) {
  const auto rows = conn.exec(
      "SELECT name AS event_name, data::text AS event_data, extract(epoch FROM created_at)::float8 AS event_at "
      "FROM events WHERE contact_id = $1 AND id = $2",
      execution.contact_id, *execution.resume_event_id);
  // None: the event went with its contact, and the activation fails for want of it.
  if (!rows.empty()) execution.event = event_of(rows.one());
}

}  // namespace

int Engine::run_due(store::Connection& conn, int limit) {
  int ran = 0;
  while (ran < limit) {
    const double now = options_.clock();
    const int batch = std::min(limit - ran, kClaimBatch);
    size_t steps = 0;  // of the attempt that commits: a retried transaction runs them again
    const size_t claimed = store::with_transaction(conn, [&](store::Connection& c) {
      steps = 0;
      const auto rows = c.exec(claim_sql(batch), now);
      if (rows.empty()) return size_t{0};
      std::vector<Claimed> executions;
      // Two executions of one contact in a batch: the second sees what the first's
      // `update contact` wrote.
      std::unordered_map<int64_t, stdlib::Value> contacts;
      for (const auto row : rows) {
        executions.push_back(claimed_execution(row));
        if (executions.back().resume_event_id && !executions.back().event) read_event_again(c, executions.back());
        auto [contact, first] = contacts.try_emplace(executions.back().contact_id);
        if (first) {
          contact->second = contact_value(row.get<std::string>("email"), row.get<bool>("subscribed"),
                                          row.get<std::string>("contact_data"));
        }
      }
      bool queued_mail = false;
      for (const Claimed& execution : executions) {
        const Activated activated =
            activate(c, {programs_, now, options_.unsubscribe_url}, execution, contacts.at(execution.contact_id));
        queued_mail |= activated.mailed;
        steps += activated.steps;
      }
      // NOTIFY is transactional: the mailer hears it only if this commits.
      if (queued_mail) c.notify_on_commit("flow_outbox");
      return executions.size();
    });
    metrics().steps_run += steps;
    ran += static_cast<int>(claimed);
    // A short batch: nothing else is due now (or it is locked, and its holder's NOTIFY or the
    // worker's next poll brings it back), so another claim would come back empty.
    if (claimed < static_cast<size_t>(batch)) break;
  }
  return ran;
}

std::optional<double> Engine::seconds_until_due(store::Connection& conn) const {
  const auto at = conn.exec("SELECT extract(epoch FROM min(wake_at))::float8 AS at FROM executions "
                            "WHERE wake_at IS NOT NULL AND " + std::string(kLive))
                      .one()
                      .get<std::optional<double>>("at");
  if (!at) return std::nullopt;
  return *at - options_.clock();
}

}  // namespace flow::runtime::engine
