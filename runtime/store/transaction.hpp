#pragma once
// Transactions: Transaction is the RAII scope (BEGIN, COMMIT, ROLLBACK unless committed);
// with_transaction runs a whole unit of work and retries it on the failures that running
// it again can cure.
#include <chrono>
#include <functional>
#include <optional>
#include <type_traits>

#include "runtime/store/connection.hpp"

namespace flow::runtime::store {

enum class Isolation { ReadCommitted, RepeatableRead, Serializable };

class Transaction {
 public:
  explicit Transaction(Connection& connection, Isolation isolation = Isolation::ReadCommitted);
  // Rolls back unless committed; a lost connection has rolled back already.
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  void rollback();

  Connection& connection_;
  bool open_ = true;
};

struct RetryPolicy {
  Isolation isolation = Isolation::ReadCommitted;
  int max_attempts = 10;
  std::chrono::milliseconds first_backoff{5};  // doubled per attempt, jittered
  std::chrono::milliseconds max_backoff{2000};
};

// Runs `work` in a transaction on `connection` and commits. On a serialization failure
// (40001), a deadlock (40P01) or a lost connection it rolls back, waits a little,
// reconnects if needed and runs `work` again, up to `policy.max_attempts` times; any other
// error propagates at once.
//
// `work` must therefore be idempotent with respect to the database: every attempt starts
// from whatever is committed, and when the connection drops during COMMIT the attempt may
// have committed after all (write it so a second run is a no-op: unique keys, conditional
// updates). Effects outside the database (sending mail) do not belong in `work`.
void run_transaction(Connection& connection, const std::function<void()>& work, const RetryPolicy& policy = {});

template <typename Work>
auto with_transaction(Connection& connection, Work&& work, const RetryPolicy& policy = {}) {
  using Value = std::invoke_result_t<Work&, Connection&>;
  if constexpr (std::is_void_v<Value>) {
    run_transaction(connection, [&] { work(connection); }, policy);
  } else {
    std::optional<Value> value;
    run_transaction(connection, [&] { value.emplace(work(connection)); }, policy);
    return std::move(*value);
  }
}

}  // namespace flow::runtime::store
