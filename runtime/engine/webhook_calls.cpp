#include "runtime/engine/webhook_calls.hpp"

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/engine/due_rows.hpp"
#include "runtime/engine/metrics.hpp"

namespace flow::runtime::engine {

namespace {

delivery::WebhookRequest request_of(const store::Row& row) {
  delivery::WebhookRequest request;
  request.method = row.get<std::string>("method");
  request.url = row.get<std::string>("url");
  // A named object: a temporary in the range-for's initializer would die before the loop.
  const auto headers = nlohmann::json::parse(row.get<std::string>("headers"));
  for (const auto& [name, value] : headers.items())
    request.headers.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
  request.body = row.get<std::optional<std::string>>("body");
  request.idempotency_key = row.get<std::string>("idempotency_key");
  request.timeout = std::chrono::milliseconds(row.get<int32_t>("timeout_ms"));
  return request;
}

// The call is over: store what the workflow will see and wake the execution. Only a WAITING
// execution is woken: one cancelled meanwhile stays as it is.
void finish(store::Connection& conn, const store::Row& row, const delivery::WebhookResult& result, int attempts,
            double now) {
  const bool answered = result.ok() || (result.status != 0 && !result.retryable);
  ++(answered ? metrics().webhooks_done : metrics().webhooks_failed);
  const auto contact_id = row.get<int64_t>("contact_id");
  conn.defer(
      "UPDATE webhook_calls SET status = $3, attempts = $4, response_status = $5, response_body = $6, "
      "last_error = $7 WHERE contact_id = $1 AND id = $2",
      contact_id, row.get<int64_t>("id"), std::string(answered ? "DONE" : "FAILED"), attempts,
      result.status == 0 ? std::nullopt : std::optional(static_cast<int32_t>(result.status)),
      result.status == 0 ? std::nullopt : std::optional(result.body),
      result.error.empty() ? std::nullopt : std::optional(result.error));
  conn.defer(
      "UPDATE executions SET wake_at = to_timestamp($3::float8) WHERE contact_id = $1 AND id = $2 AND status = 'WAITING'",
      contact_id, row.get<int64_t>("execution_id"), now);
  conn.notify_on_commit("flow_work");  // transactional: the execution workers hear it on COMMIT
}

void record(store::Connection& conn, const store::Row& row, const delivery::WebhookResult& result, double now,
            const delivery::Backoff& backoff) {
  const int attempts = row.get<int32_t>("attempts") + 1;
  const auto retry = result.ok() ? std::nullopt
                                 : retry_at(attempts, row.get<int32_t>("max_attempts"), result.retryable, now, backoff);
  if (!retry) return finish(conn, row, result, attempts, now);
  ++metrics().webhooks_retried;
  conn.defer(
      "UPDATE webhook_calls SET attempts = $3, next_attempt_at = to_timestamp($4::float8), last_error = $5 "
      "WHERE contact_id = $1 AND id = $2",
      row.get<int64_t>("contact_id"), row.get<int64_t>("id"), attempts, *retry,
      result.error.empty() ? "HTTP " + std::to_string(result.status) : result.error);
}

}  // namespace

Drained call_webhooks_due(store::Connection& conn, delivery::WebhookClient& client, double now, size_t limit,
                         const delivery::Backoff& backoff) {
  return process_due(conn, "webhook_calls",
                     "id, contact_id, execution_id, idempotency_key, method, url, headers::text AS headers, body, "
                     "timeout_ms, max_attempts, attempts",
                     now, limit, [&](store::Connection& c, const store::Row& row) {
                       record(c, row, client.call(request_of(row)), now, backoff);
                     });
}

}  // namespace flow::runtime::engine
