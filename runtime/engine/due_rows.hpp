#pragma once
// The webhook worker's shape: claim a due PENDING row, do the work that leaves the database
// (HTTP) while holding the row's lock, record the outcome, and on a failure schedule the retry
// in the row itself so it survives a restart. (The mail worker claims leased batches instead:
// outbox_delivery.hpp. Drained and retry_at serve both.)
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

#include "runtime/delivery/retry.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

// What a drain of due rows did: the rows handled and whether more were due when the last
// claim ran (rows another worker holds count too), so the caller knows to drain again
// without a claim that comes back empty.
struct Drained {
  size_t handled = 0;
  bool more = false;
};

// Claims up to `limit` rows of `table` with status PENDING and next_attempt_at <= now,
// oldest first, one transaction per row: `SELECT columns … FOR UPDATE SKIP LOCKED`, then
// `handle` (which performs the call and updates the row), then COMMIT. The lock keeps other
// workers off the row while the call is in flight; SKIP LOCKED keeps them from waiting.
// A plain transaction, not with_transaction: running `handle` again after a retried COMMIT
// would repeat the call. Stops early when no other row is due.
Drained process_due(store::Connection& conn, std::string_view table, std::string_view columns, double now,
                   size_t limit, const std::function<void(store::Connection&, const store::Row&)>& handle);

// When to try again after the attempt numbered `attempts` (1 = the first) failed, or nullopt
// to give up: the failure is not retryable or `max_attempts` have been made.
std::optional<double> retry_at(int attempts, int max_attempts, bool retryable, double now,
                               const delivery::Backoff& backoff = {});

}  // namespace flow::runtime::engine
