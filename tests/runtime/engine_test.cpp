// The engine against a real PostgreSQL: workflows compiled inline, deployed, driven by
// track() and run_due() with a clock the test moves.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <atomic>
#include <thread>

#include "support/compile_flow.hpp"
#include "support/engine_fixture.hpp"
#include "runtime/engine/deploy.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/engine/error.hpp"
#include "runtime/store/migrations.hpp"

namespace flow::runtime::testing {
namespace {

using engine::Engine;
using engine::TrackRequest;

constexpr double kDay = 86'400;

const std::string kTemplates = R"(
template news { type marketing subject "News for {{ firstName ?? "you" }}" from "a@acme.test" html "<p>n</p>" }
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
)";

class EngineTest : public EngineFixture {
 protected:
  void deploy(const std::string& text) { engine::deploy(db(), text, compile_flow(kTemplates + text)); }

  engine::TrackResult track(const std::string& event, const std::string& email = "ada@example.com",
                            std::optional<bool> subscribed = std::nullopt,
                            nlohmann::json data = nlohmann::json::object()) {
    return engine_.track(db(), TrackRequest{event, email, subscribed, std::move(data)});
  }

  int run() { return engine_.run_due(db(), 100); }

  std::string status(int64_t id) { return field<std::string>(id, "status"); }

  template <typename T>
  T field(int64_t id, const std::string& column) {
    return db().exec("SELECT " + column + " AS v FROM executions WHERE id = $1", id).one().get<T>("v");
  }

  // Which branch of kWait ran, as it recorded in the contact.
  std::string path() { return db().exec("SELECT data->>'path' FROM contacts WHERE email = 'ada@example.com'").one().get<std::string>(0); }

  int64_t count(const std::string& sql) { return db().exec(sql).one().get<int64_t>(0); }

};

TEST_F(EngineTest, TrackStartsAnExecutionAndSendQueuesMail) {
  deploy("workflow w on \"signup\" { send news }");
  const auto result = track("signup", "  Ada@Example.COM ", std::nullopt, {{"firstName", "Ada"}});
  ASSERT_EQ(result.started.size(), 1u);
  EXPECT_EQ(status(result.started[0]), "RUNNING");
  EXPECT_EQ(db().exec("SELECT email FROM contacts").one().get<std::string>(0), "ada@example.com");
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(status(result.started[0]), "COMPLETED");
  EXPECT_FALSE(field<std::optional<store::Bytes>>(result.started[0], "frame"));
  const auto mail = db().exec("SELECT subject, to_address, message_id FROM outbox").one();
  EXPECT_EQ(mail.get<std::string>("subject"), "News for Ada");
  EXPECT_EQ(mail.get<std::string>("to_address"), "ada@example.com");
  EXPECT_EQ(mail.get<std::string>("message_id"), std::to_string(result.started[0]) + ".0.1@flowd");
  EXPECT_EQ(count("SELECT count(*) FROM step_history WHERE outcome->>'result' = 'queued'"), 1);
}

TEST_F(EngineTest, DelayWaitsUntilTheClockPassesIt) {
  deploy("workflow w on \"go\" { delay 1 day\n send receipt }");
  const auto id = track("go").started.at(0);
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(status(id), "WAITING");
  now_ += kDay - 1;
  EXPECT_EQ(run(), 0);
  now_ += 1;
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(status(id), "COMPLETED");
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM step_history WHERE finished_at IS NULL"), 0);
}

constexpr const char* kWait = R"(workflow w on "go" {
  wait for "click" within 1 day {
    received { update contact { path: "received" } }
    timeout { update contact { path: "timeout" } }
  }
})";

TEST_F(EngineTest, WaitReceivedBeforeTheDeadline) {
  deploy(kWait);
  const auto id = track("go").started.at(0);
  run();
  EXPECT_EQ(field<std::string>(id, "waiting_event"), "click");
  now_ += kDay / 2;
  EXPECT_EQ(track("click").resumed, std::vector<int64_t>{id});
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(status(id), "COMPLETED");
  EXPECT_EQ(path(), "received");
  // A second click finds nothing waiting.
  EXPECT_TRUE(track("click").resumed.empty());
}

TEST_F(EngineTest, WaitTimesOut) {
  deploy(kWait);
  const auto id = track("go").started.at(0);
  run();
  now_ += kDay;
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(status(id), "COMPLETED");
  EXPECT_EQ(path(), "timeout");
  EXPECT_TRUE(track("click").resumed.empty());
}

TEST_F(EngineTest, EventAtTheDeadlineIsATimeout) {
  deploy(kWait);
  const auto id = track("go").started.at(0);
  run();
  now_ += kDay;
  EXPECT_EQ(track("click").resumed, std::vector<int64_t>{id});  // not yet claimed by a worker
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(status(id), "COMPLETED");
  EXPECT_EQ(path(), "timeout");
}

// The event (before the deadline) and the worker's timeout (after it) race for each of many
// executions; whichever commits first wins and the other finds nothing to do. An event that
// committed first wins even though the worker processes it after the deadline.
TEST_F(EngineTest, WaitRaceHasExactlyOneWinner) {
  deploy(R"(workflow w on "go" {
    wait for "click" within 1 day {
      received { update contact { received: true } }
      timeout { update contact { timeout: true } }
    }
  })");
  constexpr int kContacts = 40;
  const auto email = [](int i) { return "c" + std::to_string(i) + "@example.com"; };
  for (int i = 0; i < kContacts; ++i) track("go", email(i));
  EXPECT_EQ(run(), kContacts);
  now_ += kDay;  // the worker's clock: every timeout is due

  // The events go in reverse order of enrolment, the worker claims in any order: they meet.
  std::vector<char> woken(kContacts);
  std::atomic<bool> go = false;
  std::thread events([&, conn = connect()]() mutable {
    while (!go) std::this_thread::yield();
    for (int i = kContacts - 1; i >= 0; --i) {
      woken[i] = !engine::track(conn, TrackRequest{"click", email(i), std::nullopt}, now_ - 1).resumed.empty();
    }
  });
  go = true;
  while (run() > 0) {
  }
  events.join();
  run();  // executions woken after the worker's last pass

  int received = 0;
  for (int i = 0; i < kContacts; ++i) {
    const auto row = db().exec("SELECT (data ? 'received') AS r, (data ? 'timeout') AS t FROM contacts WHERE email = $1",
                               email(i))
                         .one();
    EXPECT_NE(row.get<bool>("r"), row.get<bool>("t")) << email(i);
    EXPECT_EQ(row.get<bool>("r"), static_cast<bool>(woken[i])) << email(i);
    received += row.get<bool>("r");
  }
  EXPECT_EQ(count("SELECT count(*) FROM executions WHERE status <> 'COMPLETED'"), 0);
  std::printf("race: %d of %d received, the rest timed out\n", received, kContacts);
}

// What a worker sleeps for between timers: the next wake-up by the engine's clock.
TEST_F(EngineTest, SecondsUntilDueIsTheNextTimer) {
  deploy("workflow w on \"go\" { delay 1h\n delay 2h }");
  EXPECT_FALSE(engine_.seconds_until_due(db())) << "nothing waits yet";
  track("go");
  EXPECT_NEAR(*engine_.seconds_until_due(db()), 0, 0.001) << "a new execution is due at once";
  EXPECT_EQ(run(), 1);
  EXPECT_NEAR(*engine_.seconds_until_due(db()), 3600, 0.001);
  now_ += 3610;
  EXPECT_NEAR(*engine_.seconds_until_due(db()), -10, 0.001) << "overdue: negative";
  now_ -= 10;
  EXPECT_EQ(run(), 1);
  EXPECT_NEAR(*engine_.seconds_until_due(db()), 7200, 0.001);
  now_ += 7200;
  EXPECT_EQ(run(), 1);
  EXPECT_FALSE(engine_.seconds_until_due(db())) << "an ended execution waits for nothing";
}

// One event starts two workflows for one contact: one claim takes both executions (one
// contact row, locked once), and each activation's `update contact` lands.
TEST_F(EngineTest, TwoExecutionsOfOneContactInOneBatchBothUpdateIt) {
  deploy(R"(workflow first on "go" { update contact { first: true } }
    workflow second on "go" { update contact { second: contact.data.first ?? false } })");
  EXPECT_EQ(track("go", "ada@example.com", std::nullopt, {{"seen", 7}}).started.size(), 2u);
  EXPECT_EQ(run(), 2);
  const auto data = db().exec("SELECT data::text AS d FROM contacts WHERE email = 'ada@example.com'").one();
  EXPECT_EQ(nlohmann::json::parse(data.get<std::string>("d")),
            nlohmann::json({{"seen", 7}, {"first", true}, {"second", true}}))
      << "the second execution saw the first one's update";
  EXPECT_EQ(count("SELECT count(*) FROM executions WHERE status = 'COMPLETED'"), 2);
}

TEST_F(EngineTest, ReentryNeverEntersOnce) {
  deploy("workflow w on \"go\" { reentry never\n send receipt }");
  EXPECT_EQ(track("go").started.size(), 1u);
  run();
  EXPECT_TRUE(track("go").started.empty());
}

TEST_F(EngineTest, ReentryAllowedAfterThePreviousRunEnded) {
  deploy("workflow w on \"go\" { reentry allowed\n delay 1h }");
  EXPECT_EQ(track("go").started.size(), 1u);
  run();
  EXPECT_TRUE(track("go").started.empty());  // still WAITING
  now_ += 3600;
  run();
  EXPECT_EQ(track("go").started.size(), 1u);
}

TEST_F(EngineTest, DisabledWorkflowStartsNothingButWaitingOnesResume) {
  deploy(kWait);
  const auto id = track("go").started.at(0);
  run();
  db().exec("UPDATE workflows SET enabled = false");
  EXPECT_TRUE(track("go", "bob@example.com").started.empty());
  EXPECT_EQ(track("click").resumed, std::vector<int64_t>{id});
  run();
  EXPECT_EQ(status(id), "COMPLETED");
  EXPECT_EQ(path(), "received");
}

TEST_F(EngineTest, MarketingToUnsubscribedIsSuppressedTransactionalIsSent) {
  deploy("workflow w on \"go\" { send news\n send receipt }");
  const auto id = track("go", "ada@example.com", false).started.at(0);
  run();
  EXPECT_EQ(status(id), "COMPLETED");
  EXPECT_EQ(db().exec("SELECT template FROM outbox").one().get<std::string>(0), "receipt");
  EXPECT_EQ(count("SELECT count(*) FROM step_history WHERE outcome->>'result' = 'suppressed'"), 1);
}

TEST_F(EngineTest, UpdateIsVisibleToTheNextStep) {
  deploy(R"(workflow w on "go" {
    update contact { plan: "pro", old: null }
    if contact.data.plan == "pro" { exit "pro already" }
  })");
  const auto id = track("go", "ada@example.com", std::nullopt, {{"old", 1}, {"keep", 2}}).started.at(0);
  run();
  EXPECT_EQ(status(id), "EXITED");
  EXPECT_EQ(field<std::string>(id, "exit_reason"), "pro already");
  EXPECT_EQ(db().exec("SELECT data::text FROM contacts").one().get<std::string>(0), R"({"keep": 2, "plan": "pro"})");
}

TEST_F(EngineTest, TrackMergesDataShallowlyAndKeepsSubscribedUnlessGiven) {
  const std::string odd = "we\"ird\\key, {x}";  // what an array literal must quote
  track("x", "ada@example.com", false, {{"a", 1}, {"b", {{"c", nullptr}}}, {"never", nullptr}, {odd, 5}});
  EXPECT_EQ(nlohmann::json::parse(db().exec("SELECT data::text FROM contacts").one().get<std::string>(0)),
            nlohmann::json({{"a", 1}, {"b", {{"c", nullptr}}}, {odd, 5}}));
  track("x", "ADA@example.com", std::nullopt, {{"a", nullptr}, {"d", 4}, {odd, nullptr}});
  const auto row = db().exec("SELECT subscribed, data::text AS data FROM contacts").one();
  EXPECT_FALSE(row.get<bool>("subscribed"));
  EXPECT_EQ(row.get<std::string>("data"), R"({"b": {"c": null}, "d": 4})");
}

TEST_F(EngineTest, DeployRefusesATriggerChangeAndALockedWorkflow) {
  deploy("workflow w on \"go\" { delay 1h }");
  EXPECT_THROW(deploy("workflow w on \"other\" { delay 1h }"), engine::Refused);
  track("go");
  run();
  EXPECT_NO_THROW(deploy("workflow w on \"go\" { delay 1h }"));  // unchanged
  EXPECT_THROW(deploy("workflow w on \"go\" { delay 2h }"), engine::Refused);
  now_ += 3600;
  run();
  EXPECT_NO_THROW(deploy("workflow w on \"go\" { delay 2h }"));
  EXPECT_EQ(count("SELECT version::bigint FROM workflows"), 2);
}

// A track whose contact is deleted between the upsert's insert (which finds it) and its
// update (which then finds nothing) runs again and makes the contact anew.
TEST_F(EngineTest, ATrackRacingTheDeletionOfItsContactMakesItAnew) {
  track("ping", "ada@example.com");
  const auto id = db().exec("SELECT id FROM contacts WHERE email = 'ada@example.com'").one().get<int64_t>(0);
  store::Connection deleting = connect();
  deleting.exec("BEGIN");
  deleting.exec("SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE", id);  // delete_contact's first step
  std::string failure;
  std::thread tracking([&] {
    store::Connection conn = connect();
    try {
      engine_.track(conn, TrackRequest{"ping", "ada@example.com", std::nullopt});
    } catch (const std::exception& error) {
      failure = error.what();
    }
  });
  const auto waiting = [&] {
    return db().exec("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
               .one()
               .get<int64_t>(0) == 1;
  };
  for (int i = 0; i < 500 && !waiting(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(waiting()) << "the track's update waits for the contact's lock";
  deleting.exec("DELETE FROM events WHERE contact_id = $1", id);  // the rest of delete_contact
  deleting.exec("DELETE FROM contacts WHERE id = $1", id);
  deleting.exec("COMMIT");
  tracking.join();
  EXPECT_EQ(failure, "");
  EXPECT_EQ(count("SELECT count(*) FROM contacts c JOIN events e ON e.contact_id = c.id WHERE c.email = 'ada@example.com'"),
            1);
}

// Tracks that start their executions themselves, as flowd's do (Options::start_on_track);
// run() is still a worker's, on the same database.
class EngineStartOnTrack : public EngineTest {
 protected:
  engine::TrackResult start(const std::string& event, nlohmann::json data = nlohmann::json::object()) {
    return starting_.track(db(), TrackRequest{event, "ada@example.com", std::nullopt, std::move(data)});
  }

  Engine starting_{engine::Options{.clock = [this] { return now_; }}};
};

TEST_F(EngineStartOnTrack, ANewExecutionRunsToItsFirstSuspensionInTheTrack) {
  deploy("workflow w on \"go\" { send news\n delay 1 day\n send receipt }");
  const engine::Track one = engine::checked(TrackRequest{"go", "ada@example.com", std::nullopt, {{"firstName", "Ada"}}});
  const auto batch = starting_.track_all(db(), std::span(&one, 1));
  const auto& result = batch.tracks.at(0);
  ASSERT_EQ(result.started.size(), 1u);
  const int64_t id = result.started[0];
  EXPECT_EQ(status(id), "WAITING");
  EXPECT_EQ(batch.steps, 2u) << "send and delay";
  EXPECT_EQ(count("SELECT count(*) FROM step_history WHERE finished_at IS NULL AND kind = 'delay'"), 1);
  const auto mail = db().exec("SELECT subject, message_id FROM outbox").one();
  EXPECT_EQ(mail.get<std::string>("subject"), "News for Ada") << "the contact as this track wrote it";
  EXPECT_EQ(mail.get<std::string>("message_id"), std::to_string(id) + ".0.1@flowd");
  EXPECT_EQ(run(), 0) << "nothing is left for a worker";
  now_ += kDay;
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(status(id), "COMPLETED");
  EXPECT_EQ(db().exec("SELECT message_id FROM outbox ORDER BY id DESC LIMIT 1").one().get<std::string>(0),
            std::to_string(id) + ".2.2@flowd");
}

TEST_F(EngineStartOnTrack, ANewExecutionIsNotWokenByTheEventThatStartedIt) {
  deploy(R"(workflow w on "go" {
    wait for "go" within 1 day {
      received { update contact { path: "received" } }
      timeout { update contact { path: "timeout" } }
    }
  })");
  const auto first = start("go");
  ASSERT_EQ(first.started.size(), 1u);
  EXPECT_TRUE(first.resumed.empty());
  EXPECT_EQ(status(first.started[0]), "WAITING");
  const auto second = start("go");
  EXPECT_TRUE(second.started.empty()) << "one is unfinished";
  EXPECT_EQ(second.resumed, std::vector<int64_t>{first.started[0]});
  EXPECT_EQ(run(), 1);
  EXPECT_EQ(path(), "received");
}

TEST_F(EngineStartOnTrack, TwoExecutionsOfOneEventBothUpdateTheContact) {
  deploy(R"(workflow first on "go" { update contact { first: true } }
    workflow second on "go" { update contact { second: contact.data.first ?? false } })");
  const auto result = start("go", {{"seen", 7}});
  ASSERT_EQ(result.started.size(), 2u);
  for (const int64_t id : result.started) EXPECT_EQ(status(id), "COMPLETED");
  const auto data = db().exec("SELECT data::text AS d FROM contacts WHERE email = 'ada@example.com'").one();
  EXPECT_EQ(nlohmann::json::parse(data.get<std::string>("d")),
            nlohmann::json({{"seen", 7}, {"first", true}, {"second", true}}))
      << "the second execution saw the first one's update";
}

}  // namespace
}  // namespace flow::runtime::testing
