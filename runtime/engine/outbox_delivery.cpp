#include "runtime/engine/outbox_delivery.hpp"

#include <optional>
#include <random>
#include <string>

#include "runtime/engine/due_rows.hpp"
#include "runtime/engine/metrics.hpp"

namespace flow::runtime::engine {

namespace {

delivery::OutgoingEmail email_of(const store::Row& row) {
  delivery::OutgoingEmail email;
  email.message_id = row.get<std::string>("message_id");
  email.from = row.get<std::string>("from_address");
  email.to = row.get<std::string>("to_address");
  email.reply_to = row.get<std::optional<std::string>>("reply_to").value_or("");
  email.subject = row.get<std::string>("subject");
  email.html = row.get<std::optional<std::string>>("html").value_or("");
  email.text = row.get<std::optional<std::string>>("text_body").value_or("");
  // Marketing mail: the link mail clients show as "unsubscribe", and RFC 8058's promise
  // that a POST to it unsubscribes at once (GET only shows a confirmation page).
  email.list_unsubscribe = row.get<std::optional<std::string>>("list_unsubscribe").value_or("");
  if (!email.list_unsubscribe.empty()) {
    email.headers.emplace_back("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  return email;
}

// Marks a claimed row with the outcome of its send, in an autocommit statement: committed
// before the next row is sent, so at most the row in hand is unmarked at any moment.
void record(store::Connection& conn, const store::Row& row, const delivery::SendResult& result, double now,
            const delivery::Backoff& backoff) {
  const auto contact_id = row.get<int64_t>("contact_id");
  const auto id = row.get<int64_t>("id");
  const int attempts = row.get<int32_t>("attempts") + 1;
  if (result.ok) {
    conn.exec(
        "UPDATE outbox SET status = 'SENT', attempts = $3, sent_at = to_timestamp($4::float8), last_error = NULL "
        "WHERE contact_id = $1 AND id = $2",
        contact_id, id, attempts, now);
    ++metrics().emails_sent;
    return;
  }
  // A row in flight is not cancelled with its execution (a cancel takes PENDING rows only);
  // one whose attempt failed is, here, instead of waiting for its retry. FOR KEY SHARE waits
  // for a cancel in progress, which holds the execution's row, and reads its outcome.
  const auto retry = retry_at(attempts, kMaxMailAttempts, !result.permanent_failure, now, backoff);
  conn.exec(
      "UPDATE outbox o SET status = CASE WHEN $4::float8 IS NULL THEN 'FAILED' WHEN (SELECT e.status FROM executions e "
      "WHERE e.contact_id = o.contact_id AND e.id = o.execution_id FOR KEY SHARE) = 'CANCELLED' THEN 'CANCELLED' "
      "ELSE 'PENDING' END, attempts = $3, next_attempt_at = COALESCE(to_timestamp($4::float8), next_attempt_at), "
      "last_error = $5 WHERE contact_id = $1 AND id = $2",
      contact_id, id, attempts, retry, result.message);
  ++(retry ? metrics().emails_retried : metrics().emails_failed);
}

// The status of a claimed row given back unsent (`o`): due again, unless its execution was
// cancelled meanwhile (a cancel takes PENDING rows only), as a failed attempt's is.
constexpr std::string_view kReleasedStatus =
    "CASE WHEN (SELECT e.status FROM executions e WHERE e.contact_id = o.contact_id AND e.id = o.execution_id) = "
    "'CANCELLED' THEN 'CANCELLED' ELSE 'PENDING' END";

// A token for a new lease: random, positive (so that pg_locks' two 32-bit halves put it back
// together without a sign), never 0.
int64_t random_token() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  return static_cast<int64_t>(generator() >> 1) | 1;
}

// The rows of the batch not sent yet, after a stop request.
void release_unsent(store::Connection& conn, const OutboxLease& lease) {
  conn.exec("UPDATE outbox o SET status = " + std::string(kReleasedStatus) +
                " WHERE status = 'SENDING' AND claimed_by = $1",
            lease.token());
}

}  // namespace

OutboxLease::OutboxLease(store::Connection& conn) : last_sweep_(std::chrono::steady_clock::now()) {
  // Two random tokens colliding is all but impossible; trying again costs nothing.
  do token_ = random_token();
  while (!conn.exec("SELECT pg_try_advisory_lock($1) AS locked", token_).one().get<bool>("locked"));
  release_dead_claims(conn);
}

bool OutboxLease::sweep_due() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sweep_ < kSweepInterval) return false;
  last_sweep_ = now;
  return true;
}

int64_t release_dead_claims(store::Connection& conn) {
  // A bigint advisory lock shows in pg_locks as classid (high half), objid (low half) and
  // objsubid 1. The dead tokens are found first (MATERIALIZED: once, against one reading of
  // pg_locks), then their rows updated: a token seen dead on a committed claim stays dead,
  // since a session locks its token before it claims and holds it to its end, and tokens are
  // not reused. A row re-read after a concurrent change (READ COMMITTED) with a new, live
  // token therefore never matches.
  return conn
      .exec(
          "WITH dead AS MATERIALIZED (SELECT DISTINCT claimed_by FROM outbox WHERE status = 'SENDING' AND claimed_by "
          "NOT IN (SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND "
          "objsubid = 1 AND granted)), released AS (UPDATE outbox o SET status = " + std::string(kReleasedStatus) +
          " WHERE status = 'SENDING' AND claimed_by IN (SELECT claimed_by FROM dead) RETURNING 1) "
          "SELECT count(*) AS n FROM released")
      .one()
      .get<int64_t>("n");
}

Drained deliver_due(store::Connection& conn, OutboxLease& lease, delivery::Mailer& mailer, double now, size_t limit,
                   const delivery::Backoff& backoff, std::stop_token stop) {
  if (lease.sweep_due()) release_dead_claims(conn);
  // In the order of the partial index outbox_due alone (a tie-break on id made PostgreSQL
  // read 33 rows, an incremental sort's smallest group, per row claimed). The LIMIT is a
  // literal so that the cached plan is the one for this batch size.
  const std::string claim =
      "WITH claimed AS (UPDATE outbox o SET status = 'SENDING', claimed_by = $2 FROM (SELECT contact_id, id FROM outbox "
      "WHERE status = 'PENDING' AND next_attempt_at <= to_timestamp($1::float8) ORDER BY next_attempt_at LIMIT " +
      std::to_string(limit) +
      " FOR UPDATE SKIP LOCKED) due WHERE o.contact_id = due.contact_id AND o.id = due.id RETURNING o.id, "
      "o.contact_id, o.message_id, o.from_address, o.to_address, o.reply_to, o.subject, o.html, o.text_body, "
      "o.list_unsubscribe, o.attempts, o.next_attempt_at) SELECT * FROM claimed ORDER BY next_attempt_at";
  const auto rows = conn.exec(claim, now, lease.token());
  Drained drained{.handled = 0, .more = static_cast<size_t>(rows.size()) >= limit};
  for (const store::Row& row : rows) {
    // No send after a stop request: the rest go back for another worker (or flowd).
    if (stop.stop_requested()) {
      release_unsent(conn, lease);
      drained.more = true;
      break;
    }
    record(conn, row, mailer.send(email_of(row)), now, backoff);
    ++drained.handled;
  }
  return drained;
}

}  // namespace flow::runtime::engine
