// The outbox and webhook workers end to end: a workflow queues mail or a webhook call,
// run_due activates it, deliver_due / call_webhooks_due talk to the real test servers of
// tests/runtime/servers/, and the rows and the execution show the outcome.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/compile_flow.hpp"
#include "support/engine_fixture.hpp"
#include "runtime/delivery/smtp_mailer.hpp"
#include "runtime/engine/deploy.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/engine/outbox_delivery.hpp"
#include "runtime/engine/webhook_calls.hpp"
#include "runtime/store/migrations.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;

constexpr double kHour = 3'600;

class EngineDelivery : public EngineFixture {
 protected:
  void deploy(const std::string& text) { engine::deploy(db(), text, compile_flow(text)); }

  int64_t start(const std::string& event) {
    return engine_.track(db(), engine::TrackRequest{event, "ada@example.com", std::nullopt, nlohmann::json::object()})
        .started.at(0);
  }

  std::string query(const std::string& sql) { return db().exec(sql).one().get<std::string>(0); }

  TempDir dir_;
};

class EngineDeliveryMail : public EngineDelivery {
 protected:
  ServerProcess smtp_{"smtp_server.py", dir_.path() / "mail.jsonl"};
  delivery::SmtpMailer mailer_{delivery::SmtpConfig{"smtp://127.0.0.1", smtp_.port(), delivery::StartTls::none, "", "",
                                                    5s},
                               [] { return std::chrono::system_clock::time_point(1795725790s); }};
};

TEST_F(EngineDeliveryMail, SendsTheQueuedMailOnceWithTheRowsMessageId) {
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt })");
  const auto id = start("buy");
  ASSERT_EQ(engine_.run_due(db(), 10), 1);

  EXPECT_EQ(engine::deliver_due(db(), mailer_, now_, 10).handled, 1u);
  const auto messages = smtp_.records();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["headers"]["Message-ID"], "<" + std::to_string(id) + ".0.1@flowd>");
  EXPECT_EQ(messages[0]["headers"]["Subject"], "Receipt");
  EXPECT_EQ(messages[0]["rcpt_tos"], nlohmann::json::array({"ada@example.com"}));
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || (sent_at IS NOT NULL) FROM outbox"), "SENT 1 true");

  EXPECT_EQ(engine::deliver_due(db(), mailer_, now_ + kHour, 10).handled, 0u);
  EXPECT_EQ(smtp_.records().size(), 1u);
}

// A drain says whether more mail is due, so a worker needs no claim that finds nothing.
TEST_F(EngineDeliveryMail, ADrainSaysWhetherMoreIsDue) {
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt
 send receipt })");
  start("buy");
  ASSERT_EQ(engine_.run_due(db(), 10), 1);
  const engine::Drained first = engine::deliver_due(db(), mailer_, now_, 1);
  EXPECT_EQ(first.handled, 1u);
  EXPECT_TRUE(first.more);
  const engine::Drained second = engine::deliver_due(db(), mailer_, now_, 10);
  EXPECT_EQ(second.handled, 1u);
  EXPECT_FALSE(second.more) << "the last one due";
  EXPECT_EQ(smtp_.records().size(), 2u);
}

TEST_F(EngineDeliveryMail, ARefusedRecipientFailsTheRowForGood) {
  // The test server answers 5xx for this recipient: retrying cannot help.
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt })");
  engine_.track(db(), engine::TrackRequest{"buy", "reject-permanent@example.test", std::nullopt, nlohmann::json::object()});
  engine_.run_due(db(), 10);
  EXPECT_EQ(engine::deliver_due(db(), mailer_, now_, 10).handled, 1u);
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || (last_error <> '') FROM outbox"), "FAILED 1 true");
}

TEST_F(EngineDeliveryMail, ATemporaryRefusalIsRetriedLater) {
  // The test server answers 4xx for this recipient: the row waits for its backoff.
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt })");
  engine_.track(db(), engine::TrackRequest{"buy", "reject-temporary@example.test", std::nullopt, nlohmann::json::object()});
  engine_.run_due(db(), 10);
  EXPECT_EQ(engine::deliver_due(db(), mailer_, now_, 10).handled, 1u);
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || (next_attempt_at > to_timestamp(" +
                  std::to_string(now_) + ")) FROM outbox"),
            "PENDING 1 true");
  EXPECT_EQ(engine::deliver_due(db(), mailer_, now_, 10).handled, 0u) << "not due before its backoff";
  EXPECT_EQ(engine::deliver_due(db(), mailer_, now_ + kHour, 10).handled, 1u);
  EXPECT_EQ(query("SELECT status || ' ' || attempts FROM outbox"), "PENDING 2");
}

class EngineDeliveryWebhook : public EngineDelivery {
 protected:
  static delivery::WebhookOptions loopback() {
    delivery::WebhookOptions options;
    options.address_policy.allow_loopback = true;  // the receiver runs on 127.0.0.1
    return options;
  }

  void deploy_hook(const std::string& path) {
    deploy("workflow w on \"go\" {\n  webhook post \"" + receiver_.url(path) +
           "\" { retries 3 }\n  if response.status == 200 { update contact { hooked: response.status } }\n}");
  }

  ServerProcess receiver_{"http_receiver.py", dir_.path() / "requests.jsonl"};
  delivery::WebhookClient client_{loopback()};
};

TEST_F(EngineDeliveryWebhook, TheResponseResumesTheExecution) {
  deploy_hook("/hook");
  const auto id = start("go");
  ASSERT_EQ(engine_.run_due(db(), 10), 1);
  EXPECT_EQ(query("SELECT status FROM executions"), "WAITING");
  EXPECT_EQ(engine_.run_due(db(), 10), 0) << "nothing to do until the call is answered";

  EXPECT_EQ(engine::call_webhooks_due(db(), client_, now_, 10).handled, 1u);
  const auto requests = receiver_.records();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["headers"]["Idempotency-Key"], query("SELECT idempotency_key FROM webhook_calls"));
  EXPECT_EQ(query("SELECT status || ' ' || response_status FROM webhook_calls"), "DONE 200");

  EXPECT_EQ(engine_.run_due(db(), 10), 1);
  EXPECT_EQ(query("SELECT status FROM executions WHERE id = " + std::to_string(id)), "COMPLETED");
  EXPECT_EQ(query("SELECT data->>'hooked' FROM contacts"), "200");
  EXPECT_EQ(engine::call_webhooks_due(db(), client_, now_ + kHour, 10).handled, 0u);
}

TEST_F(EngineDeliveryWebhook, RetriesWithTheSameKeyUntilItSucceeds) {
  deploy_hook("/fail-twice");
  start("go");
  engine_.run_due(db(), 10);

  EXPECT_EQ(engine::call_webhooks_due(db(), client_, now_, 10).handled, 1u);  // 503
  EXPECT_EQ(engine::call_webhooks_due(db(), client_, now_, 10).handled, 0u) << "not due before its backoff";
  EXPECT_EQ(query("SELECT status || ' ' || attempts FROM webhook_calls"), "PENDING 1");
  EXPECT_EQ(engine::call_webhooks_due(db(), client_, now_ + kHour, 10).handled, 1u);      // 503
  EXPECT_EQ(engine::call_webhooks_due(db(), client_, now_ + 2 * kHour, 10).handled, 1u);  // 200
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || response_status FROM webhook_calls"), "DONE 3 200");

  const auto requests = receiver_.records();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) EXPECT_EQ(request["headers"]["Idempotency-Key"], requests[0]["headers"]["Idempotency-Key"]);

  now_ += 2 * kHour;
  EXPECT_EQ(engine_.run_due(db(), 10), 1);
  EXPECT_EQ(query("SELECT status FROM executions"), "COMPLETED");
  EXPECT_EQ(query("SELECT data->>'hooked' FROM contacts"), "200");
}

TEST_F(EngineDeliveryWebhook, AFinalRefusalStillResumesWithItsStatus) {
  deploy_hook("/status/404");
  start("go");
  engine_.run_due(db(), 10);
  EXPECT_EQ(engine::call_webhooks_due(db(), client_, now_, 10).handled, 1u);
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || response_status FROM webhook_calls"), "DONE 1 404");
  EXPECT_EQ(engine_.run_due(db(), 10), 1);
  EXPECT_EQ(query("SELECT status || ' ' || coalesce(data->>'hooked', 'none') FROM executions, contacts"),
            "COMPLETED none");
}

}  // namespace
}  // namespace flow::runtime::testing
