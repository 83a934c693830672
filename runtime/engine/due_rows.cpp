#include "runtime/engine/due_rows.hpp"

#include <string>

#include "runtime/delivery/retry.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::engine {

size_t process_due(store::Connection& conn, std::string_view table, std::string_view columns, double now,
                   size_t limit, const std::function<void(store::Connection&, const store::Row&)>& handle) {
  // In the order of the partial index *_due alone: a tie-break on id made PostgreSQL read
  // 33 rows (an incremental sort's smallest group) to return one, 0.3 ms a claim.
  const std::string claim = "SELECT " + std::string(columns) + " FROM " + std::string(table) +
                            " WHERE status = 'PENDING' AND next_attempt_at <= to_timestamp($1::float8) "
                            "ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED";
  size_t handled = 0;
  while (handled < limit) {
    store::Transaction transaction(conn);
    const auto rows = conn.exec(claim, now);
    if (rows.empty()) break;
    handle(conn, rows.one());
    transaction.commit();
    ++handled;
  }
  return handled;
}

std::optional<double> retry_at(int attempts, int max_attempts, bool retryable, double now,
                               const delivery::Backoff& backoff) {
  if (!retryable || attempts >= max_attempts) return std::nullopt;
  return now + std::chrono::duration<double>(delivery::retry_delay(attempts, backoff)).count();
}

}  // namespace flow::runtime::engine
