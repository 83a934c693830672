#include "runtime/store/transaction.hpp"

#include <algorithm>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "runtime/store/error.hpp"

namespace flow::runtime::store {

namespace {

const char* begin_statement(Isolation isolation) {
  switch (isolation) {
    case Isolation::ReadCommitted: return "BEGIN ISOLATION LEVEL READ COMMITTED";
    case Isolation::RepeatableRead: return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::Serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

// Exponential backoff with full jitter, so that transactions that just collided do not
// collide again in lockstep.
std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const auto ceiling = std::min(policy.max_backoff, policy.first_backoff * (1 << std::min(attempt, 20)));
  return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, ceiling.count())(random));
}

}  // namespace

// BEGIN is deferred: it travels with the transaction's first statement.
Transaction::Transaction(Connection& connection, Isolation isolation) : connection_(connection) {
  // They would run inside this transaction, though queued before it.
  if (connection_.has_deferred()) throw std::logic_error("a transaction began with statements still deferred");
  connection_.defer(begin_statement(isolation));
}

Transaction::~Transaction() {
  if (open_) rollback();
}

void Transaction::rollback() {
  open_ = false;
  connection_.discard_deferred();
  if (!connection_.in_transaction()) return;  // BEGIN never went out, or the session is gone
  try {
    connection_.exec("ROLLBACK");
  } catch (const Error&) {
    // The session is gone (the server rolled back) or broken; the next use reports it.
  }
}

void Transaction::commit() {
  std::optional<Result> outcome;
  try {
    outcome = connection_.exec("COMMIT");
  } catch (const Error&) {
    // A deferred statement that failed kept the COMMIT sent with it from running.
    rollback();
    throw;
  }
  open_ = false;
  // After a failed statement (whose Error `work` caught), PostgreSQL answers COMMIT with a
  // silent ROLLBACK; report it rather than let the caller believe its writes were kept.
  if (outcome->command() == "ROLLBACK")
    throw Error(sqlstate::kInFailedTransaction, "COMMIT rolled back: a statement of the transaction had failed");
}

void run_transaction(Connection& connection, const std::function<void()>& work, const RetryPolicy& policy) {
  bool lost = false;
  for (int attempt = 1;; ++attempt) {
    try {
      if (lost) connection.reconnect();  // may fail again while a failover is under way
      lost = false;
      Transaction transaction(connection, policy.isolation);
      work();
      transaction.commit();
      return;
    } catch (const Error& error) {
      if (!(error.is_transient_conflict() || error.connection_lost()) || attempt >= policy.max_attempts) throw;
      lost = lost || error.connection_lost();
      std::this_thread::sleep_for(backoff(policy, attempt));
    }
  }
}

}  // namespace flow::runtime::store
