#include "runtime/engine/engine.hpp"

#include <algorithm>

#include "runtime/engine/activation.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

int Engine::run_due(store::Connection& conn, int limit) {
  int ran = 0;
  while (ran < limit) {
    const double now = options_.clock();
    const int batch = std::min(limit - ran, kClaimBatch);
    const size_t claimed = store::with_transaction(conn, [&](store::Connection& c) {
      // The contact's row is locked with the execution's: /v1/track locks contact, then
      // executions, and `update contact` writes the contact, so an activation taking the
      // contact only then would lock in the opposite order (docs/runtime.md, "Lock order").
      // SKIP LOCKED on both: a claim never waits; a contact busy in a track is left for later.
      // Only a live execution is claimed: a cancelled one never runs again. The status test
      // is written as NOT IN the ended ones on purpose: as `IN ('RUNNING', 'WAITING')` it
      // matches the partial index executions_active_module, and the plan PostgreSQL caches
      // for this prepared statement on a young database scanned every active execution and
      // sorted them (2.5 ms a claim) instead of walking executions_due in order (0.04 ms).
      // The workflow's name and module come with the claim (LEFT JOIN: a deleted workflow
      // leaves them null, and activate() fails the execution) rather than a query each.
      const auto rows = c.exec(
          "SELECT e.id, e.contact_id, e.workflow_id, e.frame, e.resume_event_id, w.name AS workflow_name, "
          "COALESCE(e.module_hash, w.module_hash) AS module_hash FROM executions e "
          "JOIN contacts c ON c.id = e.contact_id LEFT JOIN workflows w ON w.id = e.workflow_id "
          "WHERE e.wake_at <= to_timestamp($1::float8) "
          "AND e.status NOT IN ('COMPLETED', 'EXITED', 'FAILED', 'CANCELLED') ORDER BY e.wake_at LIMIT $2 "
          "FOR NO KEY UPDATE OF c SKIP LOCKED FOR UPDATE OF e SKIP LOCKED",
          now, batch);
      bool queued_mail = false;
      for (const auto row : rows) {
        const Claimed execution{row.get<int64_t>("id"), row.get<int64_t>("contact_id"),
                                row.get<int64_t>("workflow_id"), row.get<std::optional<store::Bytes>>("frame"),
                                row.get<std::optional<int64_t>>("resume_event_id"),
                                row.get<std::optional<std::string>>("workflow_name"),
                                row.get<std::optional<int64_t>>("module_hash")};
        queued_mail |= activate(c, {programs_, now, options_.unsubscribe_url}, execution);
      }
      // NOTIFY is transactional: the mailer hears it only if this commits.
      if (queued_mail) c.notify("flow_outbox");
      return rows.size();
    });
    if (claimed == 0) break;
    ran += static_cast<int>(claimed);
  }
  return ran;
}

}  // namespace flow::runtime::engine
