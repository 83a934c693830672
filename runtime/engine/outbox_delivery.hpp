#pragma once
// The outbox worker (docs/runtime.md, "Mailer"): sends the emails activations queued.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stop_token>
#include <string_view>

#include "runtime/delivery/mailer.hpp"
#include "runtime/delivery/retry.hpp"
#include "runtime/engine/due_rows.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

// A row that has failed this many times is marked FAILED: with retry_delay's backoff that
// is about two hours of retrying, long enough to ride out a relay restart.
constexpr int kMaxMailAttempts = 8;

// For a mail worker's session (the claims and marks need not wait for the WAL flush): a
// crash of flowd loses nothing by it (the server has the commit, only its disk write is
// deferred), and a commit lost to a crash of PostgreSQL itself only returns rows to an
// earlier state — a mark lost: the row is sent again (never lost, never SENT unsent); a claim
// lost: PENDING, as if never claimed. Once per session rather than a SET LOCAL per mail.
constexpr std::string_view kMailSessionSetup = "SET synchronous_commit = off";

// A mail worker's hold on the rows it claims: a session-level advisory lock on a random
// 63-bit token, taken on the worker's session, whose claimed rows (status SENDING) carry the
// token in `claimed_by`. The lock lives exactly as long as the session, so when flowd dies
// or the session is lost, PostgreSQL releases it, and the next sweep (release_dead_claims,
// run by every mail worker when its lease starts and every kSweepInterval) returns the rows
// to PENDING: no lease timeout, no operator. One lease per session; a new session needs a
// new lease.
class OutboxLease {
 public:
  static constexpr std::chrono::seconds kSweepInterval{2};

  // Takes the lock on `conn`'s session (the one later passed to deliver_due with this lease)
  // and sweeps once.
  explicit OutboxLease(store::Connection& conn);

  int64_t token() const { return token_; }
  // Whether kSweepInterval has passed since the last sweep (and restarts the interval).
  bool sweep_due();

 private:
  int64_t token_ = 0;
  std::chrono::steady_clock::time_point last_sweep_;
};

// The sweep: outbox rows SENDING under a token whose advisory lock no session holds (in
// pg_locks) go back to PENDING, to be claimed again. Cheap when nothing is SENDING (an
// empty partial index); reads pg_locks otherwise. Returns the rows returned.
int64_t release_dead_claims(store::Connection& conn);

// Claims up to `limit` due PENDING outbox rows in one autocommit statement (status SENDING,
// claimed_by the lease's token, oldest first, SKIP LOCKED), then for each in turn sends it
// and marks it in an autocommit statement of its own right after the server's reply: SENT,
// or the failure recorded: a retry at now + retry_delay(backoff) (CANCELLED instead when its
// execution was cancelled meanwhile), or FAILED when the mailer calls it permanent or the
// row has had kMaxMailAttempts. A stop request between two rows ends the batch, and the rows
// not sent yet are PENDING again before it returns. `more`: the claim was full.
//
// Delivery is at least once: each row is marked, with a commit of its own, before the next
// is sent, so only a crash or a lost session in the moment between the server accepting a
// message and that commit leaves a row unmarked — returned to PENDING by the sweep with the
// rest of the batch, and sent again with the same Message-ID (from the row), by which
// servers and clients recognise the duplicate. Each worker has at most one row in that
// moment, so one crash duplicates at most one message per mail worker, not a batch
// (docs/runtime.md, "Mailer").
Drained deliver_due(store::Connection& conn, OutboxLease& lease, delivery::Mailer& mailer, double now, size_t limit,
                   const delivery::Backoff& backoff = {}, std::stop_token stop = {});

}  // namespace flow::runtime::engine
