// The outbox and webhook workers end to end: a workflow queues mail or a webhook call,
// run_due activates it, deliver_due / call_webhooks_due talk to the real test servers of
// tests/runtime/servers/, and the rows and the execution show the outcome.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "support/compile_flow.hpp"
#include "support/engine_fixture.hpp"
#include "runtime/delivery/smtp_mailer.hpp"
#include "runtime/engine/deploy.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/engine/executions.hpp"
#include "runtime/engine/outbox_delivery.hpp"
#include "runtime/engine/webhook_calls.hpp"
#include "runtime/store/error.hpp"
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
  // deliver_due with this test's lease (taken on first use: db() is made in SetUp).
  engine::Drained deliver(double now, size_t limit) {
    if (!lease_) lease_.emplace(db());
    return engine::deliver_due(db(), *lease_, mailer_, now, limit);
  }

  std::optional<engine::OutboxLease> lease_;
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

  EXPECT_EQ(deliver(now_, 10).handled, 1u);
  const auto messages = smtp_.records();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["headers"]["Message-ID"], "<" + std::to_string(id) + ".0.1@flowd>");
  EXPECT_EQ(messages[0]["headers"]["Subject"], "Receipt");
  EXPECT_EQ(messages[0]["rcpt_tos"], nlohmann::json::array({"ada@example.com"}));
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || (sent_at IS NOT NULL) FROM outbox"), "SENT 1 true");

  EXPECT_EQ(deliver(now_ + kHour, 10).handled, 0u);
  EXPECT_EQ(smtp_.records().size(), 1u);
}

// A drain says whether more mail is due, so a worker needs no claim that finds nothing.
TEST_F(EngineDeliveryMail, ADrainSaysWhetherMoreIsDue) {
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt
 send receipt })");
  start("buy");
  ASSERT_EQ(engine_.run_due(db(), 10), 1);
  const engine::Drained first = deliver(now_, 1);
  EXPECT_EQ(first.handled, 1u);
  EXPECT_TRUE(first.more);
  const engine::Drained second = deliver(now_, 10);
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
  EXPECT_EQ(deliver(now_, 10).handled, 1u);
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || (last_error <> '') FROM outbox"), "FAILED 1 true");
}

TEST_F(EngineDeliveryMail, ATemporaryRefusalIsRetriedLater) {
  // The test server answers 4xx for this recipient: the row waits for its backoff.
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt })");
  engine_.track(db(), engine::TrackRequest{"buy", "reject-temporary@example.test", std::nullopt, nlohmann::json::object()});
  engine_.run_due(db(), 10);
  EXPECT_EQ(deliver(now_, 10).handled, 1u);
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || (next_attempt_at > to_timestamp(" +
                  std::to_string(now_) + ")) FROM outbox"),
            "PENDING 1 true");
  EXPECT_EQ(deliver(now_, 10).handled, 0u) << "not due before its backoff";
  EXPECT_EQ(deliver(now_ + kHour, 10).handled, 1u);
  EXPECT_EQ(query("SELECT status || ' ' || attempts FROM outbox"), "PENDING 2");
}

// The leased batch (docs/runtime.md, "Mailer"): a mail worker claims several rows at once and
// marks each as it goes; its session's advisory lock is what keeps the rest of the batch
// claimed. These tests play the worker with a mailer that counts the sends by Message-ID and
// does something (a kill, a stop request, a cancel) in the middle of a batch.
class EngineDeliveryLease : public EngineDelivery {
 protected:
  class CountingMailer : public delivery::Mailer {
   public:
    explicit CountingMailer(std::map<std::string, int>& sends) : sends_(sends) {}
    delivery::SendResult send(const delivery::OutgoingEmail& email) override {
      const int nth = ++calls_;
      ++sends_[email.message_id];
      return on_send ? on_send(nth) : delivery::SendResult{.ok = true, .permanent_failure = false, .message = "250"};
    }
    // Called with the number of the send (1 = this mailer's first); what it returns is the
    // send's outcome.
    std::function<delivery::SendResult(int)> on_send;

   private:
    std::map<std::string, int>& sends_;
    int calls_ = 0;
  };

  // Four mails due, all of one execution (each its own Message-ID).
  void queue_four() {
    deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt
 send receipt
 send receipt
 send receipt })");
    start("buy");
    ASSERT_EQ(engine_.run_due(db(), 10), 1);
    ASSERT_EQ(count("status = 'PENDING'"), 4);
  }

  int64_t count(const std::string& where) {
    return db().exec("SELECT count(*) AS n FROM outbox WHERE " + where).one().get<int64_t>("n");
  }

  int duplicates() const {
    int extra = 0;
    for (const auto& [id, times] : sends_) extra += times - 1;
    return extra;
  }

  std::map<std::string, int> sends_;
};

TEST_F(EngineDeliveryLease, ABatchIsClaimedInOneStatementAndEachRowMarkedAsItGoes) {
  queue_four();
  CountingMailer mailer(sends_);
  store::Connection worker = connect();
  engine::OutboxLease lease(worker);
  mailer.on_send = [&](int nth) {
    // While the third is being sent: two marked, this one and the last claimed, none left.
    if (nth == 3) {
      EXPECT_EQ(count("status = 'SENT'"), 2);
      EXPECT_EQ(count("status = 'SENDING' AND claimed_by = " + std::to_string(lease.token())), 2);
      EXPECT_EQ(count("status = 'PENDING'"), 0);
    }
    return delivery::SendResult{.ok = true, .permanent_failure = false, .message = "250"};
  };
  const engine::Drained drained = engine::deliver_due(worker, lease, mailer, now_, 16);
  EXPECT_EQ(drained.handled, 4u);
  EXPECT_FALSE(drained.more) << "a claim that was not full";
  EXPECT_EQ(count("status = 'SENT'"), 4);
  EXPECT_EQ(sends_.size(), 4u);
  EXPECT_EQ(duplicates(), 0);
}

// A live session's claim is left alone: another worker's sweep and claim, in the middle of
// the batch, neither return its rows nor send them.
TEST_F(EngineDeliveryLease, ALiveSessionsBatchIsNeitherSweptNorClaimedByAnother) {
  queue_four();
  CountingMailer mailer(sends_), other_mailer(sends_);
  store::Connection worker = connect();
  engine::OutboxLease lease(worker);
  mailer.on_send = [&](int nth) {
    if (nth == 2) {
      EXPECT_EQ(engine::release_dead_claims(db()), 0);
      engine::OutboxLease other(db());
      EXPECT_EQ(engine::deliver_due(db(), other, other_mailer, now_, 16).handled, 0u);
    }
    return delivery::SendResult{.ok = true, .permanent_failure = false, .message = "250"};
  };
  EXPECT_EQ(engine::deliver_due(worker, lease, mailer, now_, 16).handled, 4u);
  EXPECT_EQ(count("status = 'SENT'"), 4);
  EXPECT_EQ(duplicates(), 0);
}

// The session dies in the middle of a batch (as when flowd is killed): the rows it had
// claimed come back with the next sweep and are sent, and only the one in flight when it
// died is sent twice.
TEST_F(EngineDeliveryLease, ABatchOfASessionThatDiesIsSentAgainWithOneDuplicate) {
  queue_four();
  CountingMailer mailer(sends_);
  store::Connection worker = connect();
  engine::OutboxLease lease(worker);
  const int pid = worker.backend_pid();
  mailer.on_send = [&](int nth) {
    if (nth == 2) {
      // Waits (up to a minute) until the backend is gone: its lock is released by then.
      EXPECT_TRUE(db().exec("SELECT pg_terminate_backend($1, 60000) AS gone", pid).one().get<bool>("gone"));
    }
    return delivery::SendResult{.ok = true, .permanent_failure = false, .message = "250"};
  };
  EXPECT_THROW(engine::deliver_due(worker, lease, mailer, now_, 16), store::Error);
  EXPECT_EQ(count("status = 'SENT'"), 1);
  EXPECT_EQ(count("status = 'SENDING'"), 3) << "the rest of the batch is still claimed";
  EXPECT_EQ(count("status = 'PENDING'"), 0);

  EXPECT_EQ(engine::release_dead_claims(db()), 3);
  CountingMailer next(sends_);
  engine::OutboxLease next_lease(db());
  EXPECT_EQ(engine::deliver_due(db(), next_lease, next, now_, 16).handled, 3u);
  EXPECT_EQ(count("status = 'SENT'"), 4);
  EXPECT_EQ(sends_.size(), 4u);
  EXPECT_EQ(duplicates(), 1) << "the one in flight when the session died";
}

// The same when the worker gives its session up (a failure mid-batch; the worker loop drops
// the Connection): a new lease sweeps the rows back once the old session has ended.
TEST_F(EngineDeliveryLease, ABatchOfAClosedSessionIsReturnedByTheNextLease) {
  queue_four();
  CountingMailer mailer(sends_);
  int pid = 0;
  {
    store::Connection worker = connect();
    engine::OutboxLease lease(worker);
    pid = worker.backend_pid();
    mailer.on_send = [&](int nth) -> delivery::SendResult {
      if (nth == 2) throw std::runtime_error("the worker fails while sending");
      return {.ok = true, .permanent_failure = false, .message = "250"};
    };
    EXPECT_THROW(engine::deliver_due(worker, lease, mailer, now_, 16), std::runtime_error);
    EXPECT_EQ(count("status = 'SENDING'"), 3);
  }
  // The backend ends a moment after the Connection closes it.
  while (db().exec("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1", pid).one().get<int64_t>("n") > 0)
    std::this_thread::sleep_for(10ms);
  CountingMailer next(sends_);
  engine::OutboxLease next_lease(db());  // sweeps as it starts
  EXPECT_EQ(count("status = 'PENDING'"), 3);
  EXPECT_EQ(engine::deliver_due(db(), next_lease, next, now_, 16).handled, 3u);
  EXPECT_EQ(count("status = 'SENT'"), 4);
  EXPECT_EQ(sends_.size(), 4u);
  EXPECT_EQ(duplicates(), 1);
}

// Shutdown waits for one send, not a batch: after a stop request the rows not sent are
// PENDING again at once, for another worker.
TEST_F(EngineDeliveryLease, AStopRequestEndsTheBatchAfterTheSendInHandAndReturnsTheRest) {
  queue_four();
  CountingMailer mailer(sends_);
  std::stop_source stop;
  mailer.on_send = [&](int) {
    stop.request_stop();
    return delivery::SendResult{.ok = true, .permanent_failure = false, .message = "250"};
  };
  engine::OutboxLease lease(db());
  const engine::Drained drained = engine::deliver_due(db(), lease, mailer, now_, 16, {}, stop.get_token());
  EXPECT_EQ(drained.handled, 1u);
  EXPECT_TRUE(drained.more);
  EXPECT_EQ(count("status = 'SENT'"), 1);
  EXPECT_EQ(count("status = 'PENDING'"), 3);
  EXPECT_EQ(count("status = 'SENDING'"), 0);
  mailer.on_send = nullptr;
  EXPECT_EQ(engine::deliver_due(db(), lease, mailer, now_, 16).handled, 3u);
  EXPECT_EQ(duplicates(), 0);
}

// A cancel leaves a row in flight alone (it goes out); if that attempt fails, the row is
// cancelled rather than retried.
TEST_F(EngineDeliveryLease, ARowInFlightWhoseExecutionIsCancelledIsNotRetried) {
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt
 delay 1 hour })");
  const auto id = start("buy");
  ASSERT_EQ(engine_.run_due(db(), 10), 1);
  const auto workflow = db().exec("SELECT workflow_id FROM executions").one().get<int64_t>("workflow_id");
  CountingMailer mailer(sends_);
  mailer.on_send = [&](int) {
    store::Connection other = connect();
    EXPECT_EQ(engine::cancel_execution(other, workflow, id, now_).outcome, engine::CancelResult::Outcome::Cancelled);
    EXPECT_EQ(count("status = 'SENDING'"), 1) << "a cancel does not take a row in flight";
    return delivery::SendResult{.ok = false, .permanent_failure = false, .message = "451 try later"};
  };
  engine::OutboxLease lease(db());
  EXPECT_EQ(engine::deliver_due(db(), lease, mailer, now_, 16).handled, 1u);
  EXPECT_EQ(db().exec("SELECT status || ' ' || attempts AS s FROM outbox").one().get<std::string>("s"),
            "CANCELLED 1");
}

// A batch given back unsent (a stop request; the sweep of a dead session's rows does the
// same) leaves the rows of an execution cancelled meanwhile CANCELLED, not due again.
TEST_F(EngineDeliveryLease, ARowGivenBackUnsentWhoseExecutionWasCancelledIsNotSentLater) {
  deploy(R"(template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow w on "buy" { send receipt
 send receipt
 delay 1 hour })");
  const auto id = start("buy");
  ASSERT_EQ(engine_.run_due(db(), 10), 1);
  const auto workflow = db().exec("SELECT workflow_id FROM executions").one().get<int64_t>("workflow_id");
  std::stop_source stop;
  CountingMailer mailer(sends_);
  mailer.on_send = [&](int) {
    store::Connection other = connect();
    EXPECT_EQ(engine::cancel_execution(other, workflow, id, now_).outcome, engine::CancelResult::Outcome::Cancelled);
    stop.request_stop();  // SIGTERM while the batch is in flight
    return delivery::SendResult{.ok = true, .permanent_failure = false, .message = "250"};
  };
  {
    engine::OutboxLease lease(db());
    EXPECT_EQ(engine::deliver_due(db(), lease, mailer, now_, 16, {}, stop.get_token()).handled, 1u);
  }
  EXPECT_EQ(count("status = 'SENT'"), 1) << "the one in flight";
  EXPECT_EQ(count("status = 'CANCELLED'"), 1) << "the one given back";
  store::Connection next = connect();
  engine::OutboxLease lease(next);
  EXPECT_EQ(engine::deliver_due(next, lease, mailer, now_, 16).handled, 0u);
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
