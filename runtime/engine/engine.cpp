#include "runtime/engine/engine.hpp"

#include <algorithm>
#include <unordered_map>

#include "runtime/engine/activation.hpp"
#include "runtime/engine/contact.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

namespace {

Claimed claimed_execution(const store::Row& row) {
  Claimed execution{row.get<int64_t>("id"), row.get<int64_t>("contact_id"), row.get<int64_t>("workflow_id"),
                    row.get<std::optional<store::Bytes>>("frame"), row.get<std::optional<int64_t>>("resume_event_id")};
  if (const auto name = row.get<std::optional<std::string>>("event_name")) {
    execution.event = ClaimedEvent{*name, row.get<std::string>("event_data"), row.get<double>("event_at")};
  }
  execution.workflow_name = row.get<std::optional<std::string>>("workflow_name");
  execution.module_hash = row.get<std::optional<int64_t>>("module_hash");
  execution.mails_before = row.get<int64_t>("mails");
  execution.webhooks_before = row.get<int64_t>("webhooks");
  return execution;
}

}  // namespace

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
      // What the activations read comes with the claim too (the contact, the event, the
      // numbers of mails and webhooks queued before), and what they write is deferred to
      // the COMMIT: a batch costs two round trips. The counts are read with the statement's
      // snapshot, not after the lock; were an activation committing meanwhile to leave the
      // execution due, a key would repeat, its unique index would refuse it, and the batch
      // would run again.
      const auto rows = c.exec(
          "SELECT e.id, e.contact_id, e.workflow_id, e.frame, e.resume_event_id, w.name AS workflow_name, "
          "COALESCE(e.module_hash, w.module_hash) AS module_hash, c.email, c.subscribed, c.data::text AS contact_data, "
          "ev.name AS event_name, ev.data::text AS event_data, extract(epoch FROM ev.created_at)::float8 AS event_at, "
          "(SELECT count(*) FROM outbox o WHERE o.contact_id = e.contact_id AND o.execution_id = e.id) AS mails, "
          "(SELECT count(*) FROM webhook_calls h WHERE h.contact_id = e.contact_id AND h.execution_id = e.id) AS webhooks "
          "FROM executions e JOIN contacts c ON c.id = e.contact_id LEFT JOIN workflows w ON w.id = e.workflow_id "
          "LEFT JOIN events ev ON ev.contact_id = e.contact_id AND ev.id = e.resume_event_id "
          "WHERE e.wake_at <= to_timestamp($1::float8) "
          "AND e.status NOT IN ('COMPLETED', 'EXITED', 'FAILED', 'CANCELLED') ORDER BY e.wake_at LIMIT $2 "
          "FOR NO KEY UPDATE OF c SKIP LOCKED FOR UPDATE OF e SKIP LOCKED",
          now, batch);
      // Two executions of one contact in a batch: the second sees what the first's
      // `update contact` wrote.
      std::unordered_map<int64_t, stdlib::Value> contacts;
      bool queued_mail = false;
      for (const auto row : rows) {
        const Claimed execution = claimed_execution(row);
        auto [contact, first] = contacts.try_emplace(execution.contact_id);
        if (first) {
          contact->second = contact_value(row.get<std::string>("email"), row.get<bool>("subscribed"),
                                          row.get<std::string>("contact_data"));
        }
        queued_mail |= activate(c, {programs_, now, options_.unsubscribe_url}, execution, contact->second);
      }
      // NOTIFY is transactional: the mailer hears it only if this commits.
      if (queued_mail) c.notify_on_commit("flow_outbox");
      return rows.size();
    });
    if (claimed == 0) break;
    ran += static_cast<int>(claimed);
  }
  return ran;
}

}  // namespace flow::runtime::engine
