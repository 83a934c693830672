#pragma once
// The three kinds of flowd worker (docs/runtime.md, "Running flowd"), each a WorkerJob for
// the shared loop of worker.hpp: executions (Engine::run_due, channel flow_work), mail
// (deliver_due, flow_outbox) and webhook calls (call_webhooks_due, flow_webhooks).
#include <filesystem>
#include <optional>

#include "runtime/delivery/address_policy.hpp"
#include "runtime/delivery/retry.hpp"
#include "runtime/delivery/smtp_mailer.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/flowd/worker.hpp"

namespace flow::flowd {

struct DeliveryConfig {
  std::optional<runtime::delivery::SmtpConfig> smtp;  // none: .eml files under eml_dir
  std::filesystem::path eml_dir;                      // the data directory (EmlFileMailer adds mail/)
  runtime::delivery::AddressPolicy webhook_addresses;
  runtime::delivery::Backoff backoff;  // of mail and webhook retries
};

// Each job owns its state (an Engine, a mailer, a webhook client and their connections),
// so give every worker its own job.
WorkerJob execution_job(int index, runtime::engine::Options options);
WorkerJob mail_job(int index, const DeliveryConfig& config);
WorkerJob webhook_job(int index, const DeliveryConfig& config);

}  // namespace flow::flowd
