#include "runtime/flowd/worker_kinds.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "runtime/delivery/eml_file_mailer.hpp"
#include "runtime/delivery/webhook_client.hpp"
#include "runtime/engine/outbox_delivery.hpp"
#include "runtime/engine/webhook_calls.hpp"

namespace flow::flowd {

namespace {

constexpr int kExecutionBatch = 100;
// One webhook call per drain: a call may take up to its timeout, and the worker loop looks
// for a stop request between drains, so shutdown waits for one of them, not for a batch.
constexpr size_t kWebhookBatch = 1;
// Mail rows claimed per statement (deliver_due looks for a stop request between sends, so
// shutdown still waits for one send). Larger batches save little more (the claim is 1/k of
// a mail's statements) and hold more rows in flight for a cancel or a contact's deletion.
constexpr size_t kMailBatch = 16;
// Mail that arrives within this time after a drain goes out in the next claim together: at
// 2,000 mails/s a claim took 1.5 rows without it. Email is not that urgent.
constexpr std::chrono::milliseconds kMailGather{20};

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<runtime::delivery::Mailer> make_mailer(const DeliveryConfig& config) {
  const runtime::delivery::Clock clock = [] { return std::chrono::system_clock::now(); };
  if (config.smtp) return std::make_unique<runtime::delivery::SmtpMailer>(*config.smtp, clock);
  return std::make_unique<runtime::delivery::EmlFileMailer>(config.eml_dir, clock);
}

// Until the next timer (a millisecond late rather than early, when its claim would find
// nothing), but never less than kRecheck: an execution due already is locked by a
// transaction in progress, whose end its holder's NOTIFY or this recheck catches.
std::optional<std::chrono::milliseconds> until_next_timer(const runtime::engine::Engine& engine,
                                                          runtime::store::Connection& conn) {
  constexpr std::chrono::milliseconds kRecheck{20};
  const auto seconds = engine.seconds_until_due(conn);
  if (!seconds) return std::nullopt;
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(std::chrono::duration<double>(*seconds)) +
                    std::chrono::milliseconds(1);
  return std::max(kRecheck, wait);
}

}  // namespace

WorkerJob execution_job(int index, runtime::engine::Options options) {
  // A shared_ptr because std::function must be copyable; only the worker's thread uses it.
  auto engine = std::make_shared<runtime::engine::Engine>(std::move(options));
  return {.name = "execution worker " + std::to_string(index),
          .channel = "flow_work",
          .session_setup =
              [](runtime::store::Connection& conn) { conn.exec(runtime::engine::Engine::kWorkerSessionSetup); },
          .drain = [engine](runtime::store::Connection& conn, std::stop_token) {
            return engine->run_due(conn, kExecutionBatch) >= kExecutionBatch;
          },
          .idle_wait = [engine](runtime::store::Connection& conn) { return until_next_timer(*engine, conn); }};
}

WorkerJob mail_job(int index, const DeliveryConfig& config) {
  // The mailer outlives sessions (its SMTP connection stays open); the lease is the
  // session's, taken anew on each.
  struct State {
    std::unique_ptr<runtime::delivery::Mailer> mailer;
    std::optional<runtime::engine::OutboxLease> lease;
  };
  auto state = std::make_shared<State>(State{make_mailer(config), std::nullopt});
  return {.name = "mailer " + std::to_string(index),
          .channel = "flow_outbox",
          .session_setup =
              [state](runtime::store::Connection& conn) {
                state->lease.reset();
                conn.exec(runtime::engine::kMailSessionSetup);
                state->lease.emplace(conn);
              },
          .drain = [state, backoff = config.backoff](runtime::store::Connection& conn, std::stop_token stop) {
            return runtime::engine::deliver_due(conn, *state->lease, *state->mailer, now_seconds(), kMailBatch,
                                                backoff, stop)
                .more;
          },
          .gather = kMailGather};
}

WorkerJob webhook_job(int index, const DeliveryConfig& config) {
  runtime::delivery::WebhookOptions options;
  options.address_policy = config.webhook_addresses;
  auto client = std::make_shared<runtime::delivery::WebhookClient>(options);
  return {.name = "webhook worker " + std::to_string(index),
          .channel = "flow_webhooks",
          .drain = [client, backoff = config.backoff](runtime::store::Connection& conn, std::stop_token) {
            return runtime::engine::call_webhooks_due(conn, *client, now_seconds(), kWebhookBatch, backoff).more;
          }};
}

}  // namespace flow::flowd
