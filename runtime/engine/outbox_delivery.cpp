#include "runtime/engine/outbox_delivery.hpp"

#include <optional>
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

void record(store::Connection& conn, const store::Row& row, const delivery::SendResult& result, double now,
            const delivery::Backoff& backoff) {
  const auto contact_id = row.get<int64_t>("contact_id");
  const auto id = row.get<int64_t>("id");
  const int attempts = row.get<int32_t>("attempts") + 1;
  if (result.ok) {
    conn.defer(
        "UPDATE outbox SET status = 'SENT', attempts = $3, sent_at = to_timestamp($4::float8), last_error = NULL "
        "WHERE contact_id = $1 AND id = $2",
        contact_id, id, attempts, now);
    ++metrics().emails_sent;
    return;
  }
  const auto retry = retry_at(attempts, kMaxMailAttempts, !result.permanent_failure, now, backoff);
  conn.defer(
      "UPDATE outbox SET status = CASE WHEN $4::float8 IS NULL THEN 'FAILED' ELSE 'PENDING' END, attempts = $3, "
      "next_attempt_at = COALESCE(to_timestamp($4::float8), next_attempt_at), last_error = $5 "
      "WHERE contact_id = $1 AND id = $2",
      contact_id, id, attempts, retry, result.message);
  ++(retry ? metrics().emails_retried : metrics().emails_failed);
}

}  // namespace

Drained deliver_due(store::Connection& conn, delivery::Mailer& mailer, double now, size_t limit,
                   const delivery::Backoff& backoff) {
  return process_due(conn, "outbox",
                     "id, contact_id, message_id, from_address, to_address, reply_to, subject, html, text_body, "
                     "list_unsubscribe, attempts",
                     now, limit, [&](store::Connection& c, const store::Row& row) {
                       record(c, row, mailer.send(email_of(row)), now, backoff);
                     });
}

}  // namespace flow::runtime::engine
