// The step history an activation records, against a real PostgreSQL: every step kind's
// outcome (the arm a condition took, how a wait or a webhook ended, what a send queued),
// cancellation through engine/executions.hpp, and the lock order of a claim.
#include <gtest/gtest.h>

#include <future>
#include <optional>
#include <string>

#include "support/engine_fixture.hpp"
#include "runtime/delivery/webhook_client.hpp"
#include "runtime/engine/deploy.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/engine/executions.hpp"
#include "runtime/engine/webhook_calls.hpp"
#include "runtime/store/migrations.hpp"
#include "runtime/store/transaction.hpp"
#include "support/compile_flow.hpp"
#include "support/flowd_process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr double kDay = 86'400;

const std::string kTemplates = R"(
template news { type marketing subject "News" from "a@acme.test" html "<p>n</p>" }
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
)";

class EngineHistory : public EngineFixture {
 protected:
  void deploy(const std::string& text) { engine::deploy(db(), text, compile_flow(kTemplates + text)); }

  std::vector<int64_t> track(const std::string& event, std::optional<bool> subscribed = std::nullopt,
                             json data = json::object()) {
    return engine_.track(db(), engine::TrackRequest{event, "ada@example.com", subscribed, std::move(data)}).started;
  }
  int64_t start(const std::string& event, json data = json::object()) {
    return track(event, std::nullopt, std::move(data)).at(0);
  }

  int run() { return engine_.run_due(db(), 100); }

  int64_t workflow_of(int64_t id) {
    return db().exec("SELECT workflow_id FROM executions WHERE id = $1", id).one().get<int64_t>(0);
  }
  json execution(int64_t id) { return engine::get_execution(db(), workflow_of(id), id).value(); }
  json history(int64_t id) { return execution(id)["history"]; }
  std::string query(const std::string& sql) { return db().exec(sql).one().get<std::string>(0); }

};

TEST_F(EngineHistory, EveryStepKindRecordsItsOutcome) {
  deploy(R"(workflow w on "go" {
  send receipt
  send news
  delay 1 day
  update contact { plan: "pro" }
  let n = 2
  if contact.data.plan == "pro" { exit "already pro" }
  send receipt
})");
  const int64_t id = start("go");
  track("unsubscribe-me", false);  // no workflow: the contact is now unsubscribed, news is suppressed
  ASSERT_EQ(run(), 1);
  now_ += kDay;
  ASSERT_EQ(run(), 1);
  const json steps = history(id);
  ASSERT_EQ(steps.size(), 7u) << steps.dump(2);  // the last send is never reached

  EXPECT_EQ(steps[0]["kind"], "send");
  EXPECT_EQ(steps[0]["outcome"]["result"], "queued");
  EXPECT_EQ(steps[0]["outcome"]["message_id"], query("SELECT message_id FROM outbox"));
  EXPECT_EQ(steps[0]["outcome"]["template"], "receipt");
  EXPECT_FALSE(steps[0]["outcome"].contains("html")) << "the bodies stay in the outbox row";
  EXPECT_FALSE(steps[0]["outcome"].contains("text"));
  EXPECT_EQ(steps[1]["outcome"]["result"], "suppressed");
  EXPECT_FALSE(steps[1]["outcome"].contains("message_id"));

  EXPECT_EQ(steps[2]["kind"], "delay");
  EXPECT_EQ(steps[2]["outcome"]["until"], "2023-11-15T22:13:20Z");
  EXPECT_EQ(steps[2]["outcome"]["result"], "elapsed");
  EXPECT_EQ(steps[2]["started_at"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(steps[2]["finished_at"], "2023-11-15T22:13:20.000Z");

  EXPECT_EQ(steps[3]["kind"], "update");
  EXPECT_EQ(steps[3]["outcome"]["fields"], json({{"plan", "pro"}}));
  EXPECT_EQ(steps[4]["kind"], "set");
  EXPECT_TRUE(steps[4]["outcome"].is_null());

  EXPECT_EQ(steps[5]["kind"], "condition");
  EXPECT_EQ(steps[5]["outcome"]["branch"], "yes");
  EXPECT_EQ(steps[5]["outcome"]["next"], 6);
  EXPECT_EQ(steps[5]["label"], "if contact.data.plan == \"pro\"");
  EXPECT_EQ(steps[6]["kind"], "exit");
  EXPECT_EQ(steps[6]["outcome"]["reason"], "already pro");
  EXPECT_EQ(execution(id)["status"], "EXITED");
  EXPECT_EQ(execution(id)["exit_reason"], "already pro");
  EXPECT_EQ(query("SELECT count(*)::text FROM step_history WHERE finished_at IS NULL"), "0");
}

constexpr const char* kArms = R"(workflow w on "go" {
  reentry allowed
  if event.data.n == 1 {
    update contact { arm: 1 }
  } else if event.data.n == 2 {
    update contact { arm: 2 }
  } else {
    update contact { arm: 3 }
  }
  if event.data.n == 1 { update contact { last: true } }
})";

TEST_F(EngineHistory, ConditionsRecordTheArmTheyTook) {
  deploy(kArms);
  const auto arm_of = [&](int n) {
    const int64_t id = start("go", {{"n", n}});
    EXPECT_EQ(run(), 1);
    return history(id);
  };
  json steps = arm_of(1);
  EXPECT_EQ(steps[0]["outcome"]["branch"], "yes");
  EXPECT_EQ(steps[2]["outcome"]["branch"], "yes");
  steps = arm_of(2);
  EXPECT_EQ(steps[0]["outcome"]["branch"], "else if event.data.n == 2");
  // The last condition's "no" arm ends the execution: no next step.
  EXPECT_EQ(steps[2]["kind"], "condition");
  EXPECT_EQ(steps[2]["outcome"]["branch"], "no");
  EXPECT_TRUE(steps[2]["outcome"]["next"].is_null());
  EXPECT_EQ(steps.size(), 3u);
  steps = arm_of(3);
  EXPECT_EQ(steps[0]["outcome"]["branch"], "no");
  EXPECT_EQ(steps[1]["outcome"]["fields"], json({{"arm", 3}}));
}

constexpr const char* kWait = R"(workflow w on "go" {
  wait for "click" within 1 day {
    received { update contact { path: "received" } }
    timeout { update contact { path: "timeout" } }
  }
})";

TEST_F(EngineHistory, AWaitRecordsTheEventThatWon) {
  deploy(kWait);
  const int64_t id = start("go");
  ASSERT_EQ(run(), 1);
  EXPECT_TRUE(history(id)[0]["finished_at"].is_null()) << "open while waiting";
  now_ += kDay / 2;
  const int64_t click =
      engine_.track(db(), engine::TrackRequest{"click", "ada@example.com", std::nullopt, json::object()}).event_id;
  now_ += kDay;  // the worker gets to it after the deadline: the event still won
  ASSERT_EQ(run(), 1);
  const json steps = history(id);
  EXPECT_EQ(steps[0]["outcome"]["result"], "received");
  EXPECT_EQ(steps[0]["outcome"]["event"], "click");
  EXPECT_EQ(steps[0]["outcome"]["event_id"], click);
  EXPECT_EQ(steps[0]["outcome"]["deadline"], "2023-11-15T22:13:20Z");
  EXPECT_EQ(steps[1]["outcome"]["fields"], json({{"path", "received"}}));
}

TEST_F(EngineHistory, AWaitRecordsItsTimeout) {
  deploy(kWait);
  const int64_t id = start("go");
  ASSERT_EQ(run(), 1);
  now_ += kDay - 1;
  EXPECT_EQ(run(), 0);
  now_ += 1;
  ASSERT_EQ(run(), 1);
  const json steps = history(id);
  EXPECT_EQ(steps[0]["outcome"]["result"], "timeout");
  EXPECT_FALSE(steps[0]["outcome"].contains("event_id"));
  EXPECT_EQ(steps[0]["finished_at"], "2023-11-15T22:13:20.000Z");
  EXPECT_EQ(steps[1]["outcome"]["fields"], json({{"path", "timeout"}}));
}

TEST_F(EngineHistory, AWebhookRecordsTheResponseStatus) {
  TempDir dir;
  ServerProcess receiver("http_receiver.py", dir.path() / "requests.jsonl");
  delivery::WebhookOptions options;
  options.address_policy.allow_loopback = true;  // the receiver runs on 127.0.0.1
  delivery::WebhookClient client(options);
  deploy("workflow w on \"go\" {\n  webhook post \"" + receiver.url("/status/201") + "\"\n}");
  const int64_t id = start("go");
  ASSERT_EQ(run(), 1);
  EXPECT_EQ(history(id)[0]["outcome"]["url"], receiver.url("/status/201"));
  ASSERT_EQ(engine::call_webhooks_due(db(), client, now_, 10).handled, 1u);
  ASSERT_EQ(run(), 1);
  const json steps = history(id);
  EXPECT_EQ(steps[0]["outcome"]["result"], "response");
  EXPECT_EQ(steps[0]["outcome"]["status"], 201);
  EXPECT_FALSE(steps[0]["finished_at"].is_null());
}

// ---- Cancellation --------------------------------------------------------------------

TEST_F(EngineHistory, ACancelledExecutionGetsNothingMoreAndDoesNotEnterAgain) {
  deploy(R"(workflow w on "go" {
  send receipt
  wait for "click" within 1 day { timeout { send receipt } }
  send receipt
})");
  const int64_t id = start("go");
  ASSERT_EQ(run(), 1);
  const int64_t workflow = workflow_of(id);
  const auto result = engine::cancel_execution(db(), workflow, id, now_ + 60);
  EXPECT_EQ(result.outcome, engine::CancelResult::Outcome::Cancelled);

  const json cancelled = execution(id);
  EXPECT_EQ(cancelled["status"], "CANCELLED");
  EXPECT_TRUE(cancelled["wake_at"].is_null());
  EXPECT_EQ(cancelled["ended_at"], "2023-11-14T22:14:20.000Z");
  EXPECT_EQ(cancelled["history"][1]["outcome"]["result"], "cancelled");
  EXPECT_EQ(cancelled["history"][1]["finished_at"], "2023-11-14T22:14:20.000Z");
  EXPECT_EQ(query("SELECT status FROM outbox"), "CANCELLED") << "the queued mail never goes out";
  EXPECT_TRUE(db().exec("SELECT frame FROM executions WHERE id = $1", id).one().get<std::optional<store::Bytes>>(0) ==
              std::nullopt);

  // Neither its event nor its deadline wakes it, and re-entry off keeps the contact out.
  EXPECT_TRUE(engine_.track(db(), {"click", "ada@example.com", std::nullopt, json::object()}).resumed.empty());
  now_ += 2 * kDay;
  EXPECT_EQ(run(), 0);
  EXPECT_TRUE(track("go").empty());
  EXPECT_EQ(execution(id)["status"], "CANCELLED");
  EXPECT_EQ(query("SELECT count(*)::text FROM step_history"), "2");

  // Again: nothing left to cancel, and it says so.
  EXPECT_EQ(engine::cancel_execution(db(), workflow, id, now_).outcome,
            engine::CancelResult::Outcome::AlreadyCancelled);
  EXPECT_EQ(engine::cancel_execution(db(), workflow + 1, id, now_).outcome, engine::CancelResult::Outcome::NotFound);
}

TEST_F(EngineHistory, CancelAllLeavesEndedExecutionsAlone) {
  deploy("workflow w on \"go\" {\n  reentry allowed\n  if event.data.stop == true { exit }\n  delay 1 day\n}");
  const auto enrol = [&](const std::string& email, bool stop) {
    engine_.track(db(), {"go", email, std::nullopt, {{"stop", stop}}});
  };
  enrol("a@example.com", false);
  enrol("b@example.com", false);
  enrol("c@example.com", true);
  ASSERT_EQ(run(), 3);
  enrol("d@example.com", false);  // RUNNING, not activated yet
  const int64_t workflow = workflow_of(db().exec("SELECT min(id) FROM executions").one().get<int64_t>(0));
  EXPECT_EQ(engine::cancel_all_executions(db(), workflow, now_), 3);
  EXPECT_EQ(query("SELECT string_agg(status, ' ' ORDER BY id) FROM executions"),
            "CANCELLED CANCELLED EXITED CANCELLED");
  EXPECT_EQ(engine::cancel_all_executions(db(), workflow, now_), 0);
  EXPECT_EQ(engine::cancel_all_executions(db(), workflow + 1, now_), std::nullopt);
  now_ += 2 * kDay;
  EXPECT_EQ(run(), 0);
}

TEST_F(EngineHistory, ACancelledWebhookCallIsNeverMade) {
  TempDir dir;
  ServerProcess receiver("http_receiver.py", dir.path() / "requests.jsonl");
  delivery::WebhookOptions options;
  options.address_policy.allow_loopback = true;
  delivery::WebhookClient client(options);
  deploy("workflow w on \"go\" {\n  webhook post \"" + receiver.url("/status/200") + "\"\n}");
  const int64_t id = start("go");
  ASSERT_EQ(run(), 1);
  EXPECT_EQ(engine::cancel_execution(db(), workflow_of(id), id, now_).outcome,
            engine::CancelResult::Outcome::Cancelled);
  EXPECT_EQ(query("SELECT status FROM webhook_calls"), "CANCELLED");
  EXPECT_EQ(engine::call_webhooks_due(db(), client, now_ + kDay, 10).handled, 0u);
  EXPECT_TRUE(receiver.records().empty());
  EXPECT_EQ(history(id)[0]["outcome"]["result"], "cancelled");
}

// A mail worker in the middle of sending holds the outbox row: the cancel does not wait
// for it while holding the execution, but sweeps it afterwards, so an attempt that failed
// and was rescheduled does not go out again.
TEST_F(EngineHistory, MailInFlightDuringACancelIsNotRetried) {
  deploy("workflow w on \"go\" {\n  send receipt\n  delay 1 day\n}");
  const int64_t id = start("go");
  ASSERT_EQ(run(), 1);
  store::Connection mailer = connect();
  store::Transaction sending(mailer);
  mailer.exec("SELECT 1 FROM outbox WHERE status = 'PENDING' FOR UPDATE");

  store::Connection api = connect();
  auto cancel =
      std::async(std::launch::async, [&] { return engine::cancel_execution(api, workflow_of(id), id, now_); });
  // The execution is cancelled while the mail is still in flight.
  store::Connection observer = connect();
  const auto cancelled = [&] {
    return observer.exec("SELECT status FROM executions WHERE id = $1", id).one().get<std::string>(0) == "CANCELLED";
  };
  ASSERT_TRUE(eventually(cancelled, 30s));
  // What the mailer writes after a transient failure: PENDING again, for later.
  mailer.exec("UPDATE outbox SET attempts = 1, next_attempt_at = to_timestamp($1::float8) WHERE status = 'PENDING'",
              now_ + 60);
  sending.commit();
  EXPECT_EQ(cancel.get().outcome, engine::CancelResult::Outcome::Cancelled);
  EXPECT_EQ(query("SELECT status || ' ' || attempts FROM outbox"), "CANCELLED 1");
}

// A worker mid-activation holds the execution's row: the cancel waits for it, then cancels
// what it wrote, and the worker's writes cannot bring the execution back.
TEST_F(EngineHistory, ACancelWaitsForTheWorkerHoldingTheExecution) {
  deploy("workflow w on \"go\" {\n  delay 1 day\n  send receipt\n}");
  const int64_t id = start("go");
  const int64_t workflow = workflow_of(id);
  store::Connection worker = connect();
  store::Transaction holding(worker);
  worker.exec("SELECT 1 FROM executions WHERE id = $1 FOR UPDATE", id);

  store::Connection api = connect();
  auto cancel = std::async(std::launch::async, [&] { return engine::cancel_execution(api, workflow, id, now_); });
  EXPECT_EQ(cancel.wait_for(300ms), std::future_status::timeout) << "the cancel must wait for the row";
  // What an activation writes when it suspends at the delay.
  worker.exec("UPDATE executions SET status = 'WAITING', wake_at = to_timestamp($2::float8) WHERE id = $1", id,
              now_ + kDay);
  holding.commit();
  EXPECT_EQ(cancel.get().outcome, engine::CancelResult::Outcome::Cancelled);
  EXPECT_EQ(execution(id)["status"], "CANCELLED");
  now_ += 2 * kDay;
  EXPECT_EQ(run(), 0) << "a cancelled execution is never claimed";
}

// Lock order: a claim takes the contact's row with the execution's, skipping an execution
// whose contact a /v1/track holds, so a claim never waits while holding an execution.
TEST_F(EngineHistory, AClaimSkipsAnExecutionWhoseContactIsLocked) {
  deploy("workflow w on \"go\" { update contact { seen: true } }");
  const int64_t id = start("go");
  store::Connection tracker = connect();
  store::Transaction holding(tracker);
  tracker.exec("SELECT 1 FROM contacts FOR NO KEY UPDATE");
  EXPECT_EQ(run(), 0);
  holding.commit();
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(execution(id)["status"], "COMPLETED");
}

}  // namespace
}  // namespace flow::runtime::testing
