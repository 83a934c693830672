#include "runtime/engine/engine.hpp"

#include "runtime/engine/activation.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

int Engine::run_due(store::Connection& conn, int limit) {
  int ran = 0;
  while (ran < limit) {
    const double now = options_.clock();
    const bool claimed = store::with_transaction(conn, [&](store::Connection& c) {
      const auto rows = c.exec(
          "SELECT id, contact_id, workflow_id, frame, resume_event_id FROM executions "
          "WHERE wake_at <= to_timestamp($1::float8) ORDER BY wake_at LIMIT 1 FOR UPDATE SKIP LOCKED",
          now);
      if (rows.empty()) return false;
      const auto row = rows.one();
      const Claimed execution{row.get<int64_t>("id"), row.get<int64_t>("contact_id"), row.get<int64_t>("workflow_id"),
                              row.get<std::optional<store::Bytes>>("frame"),
                              row.get<std::optional<int64_t>>("resume_event_id")};
      // NOTIFY is transactional: the mailer hears it only if this commits.
      if (activate(c, {programs_, now, options_.unsubscribe_url}, execution)) c.notify("flow_outbox");
      return true;
    });
    if (!claimed) break;
    ++ran;
  }
  return ran;
}

}  // namespace flow::runtime::engine
