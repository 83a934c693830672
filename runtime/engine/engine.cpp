#include "runtime/engine/engine.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "runtime/engine/activation.hpp"
#include "runtime/engine/metrics.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

// Executions that can still run. Written as NOT IN the ended statuses on purpose (see
// claim_sql).
constexpr const char* kLive = "status NOT IN ('COMPLETED', 'EXITED', 'FAILED', 'CANCELLED')";

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
// What the activations read comes with the claim (kActivationColumns). The event's join
// alone sees the claim's snapshot, which may predate a resume's commit: activate_all reads
// such an event again. What the activations write is deferred to the COMMIT, so a batch
// costs two round trips.
std::string claim_sql(int batch) {
  return "SELECT " + std::string(kActivationColumns) +
         " FROM executions e JOIN contacts c ON c.id = e.contact_id LEFT JOIN workflows w ON w.id = e.workflow_id "
         "LEFT JOIN events ev ON ev.contact_id = e.contact_id AND ev.id = e.resume_event_id "
         "WHERE e.wake_at <= to_timestamp($1::float8) AND e." + std::string(kLive) + " ORDER BY e.wake_at LIMIT " +
         std::to_string(batch) + " FOR NO KEY UPDATE OF c SKIP LOCKED FOR UPDATE OF e SKIP LOCKED";
}

}  // namespace

TrackBatch Engine::track_all(store::Connection& conn, std::span<const Track> tracks) {
  const double now = options_.clock();
  std::optional<ActivationContext> start;
  if (options_.start_on_track) start.emplace(programs_, now, options_.unsubscribe_url);
  TrackBatch batch = engine::track_all(conn, tracks, now, start);
  metrics().steps_run += batch.steps;  // none when the workers start them
  return batch;
}

TrackResult Engine::track(store::Connection& conn, const TrackRequest& request) {
  const Track one = checked(request);
  return std::move(track_all(conn, std::span(&one, 1)).tracks.front());
}

int Engine::run_due(store::Connection& conn, int limit) {
  int ran = 0;
  while (ran < limit) {
    const double now = options_.clock();
    const int batch = std::min(limit - ran, kClaimBatch);
    size_t steps = 0;  // of the attempt that commits: a retried transaction runs them again
    const size_t claimed = store::with_transaction(conn, [&](store::Connection& c) {
      steps = 0;
      const auto rows = c.exec(claim_sql(batch), now);
      steps = activate_all(c, {programs_, now, options_.unsubscribe_url}, rows.rows()).steps;
      return static_cast<size_t>(rows.size());
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
