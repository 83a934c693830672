// A crash while mail is flowing: 2,000 executions each send two emails with a delay between
// them; flowd is SIGKILLed twice at different moments and restarted. Every execution must
// complete and the SMTP server must have every email. Delivery is at least once
// (docs/runtime.md, "Mailer"): a kill between the server's 250 and the commit that marks
// the row SENT makes the restarted flowd send that message again, while the rest of the
// batch the killed worker had claimed is returned by the sweep and sent once, so the test
// counts duplicates by Message-ID and asserts the design's bound — at most one per mail
// worker per kill, not a batch — and prints how many there were. The receiver keeps every
// copy it gets.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "support/mail_load.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kExecutions = 2000;
constexpr int kMailers = 2;
constexpr int kKills = 2;

class FlowdCrash : public MailLoadTest {};

TEST_F(FlowdCrash, KilledTwiceWhileMailingEveryExecutionCompletesAndEveryEmailArrives) {
  FlowdProcess server = flowd("flowd");
  const auto args = flags({"--workers", "2", "--mailers", std::to_string(kMailers)});
  ASSERT_TRUE(server.start_and_wait(args)) << server.log();
  ASSERT_EQ(track_many({server.port()}, kExecutions), 0) << server.log();

  const auto sent = [&] { return count(db(), "SELECT count(*) FROM outbox WHERE status = 'SENT'"); };
  // The first kill among the first emails, the second while the delayed ones are flowing.
  const int64_t thresholds[kKills] = {kExecutions / 2, kExecutions + kExecutions / 2};
  for (const int64_t threshold : thresholds) {
    ASSERT_TRUE(eventually([&] { return sent() >= threshold; }, 180s)) << sent() << " sent\n" << server.log();
    server.kill_hard();
    const int64_t at_kill = sent();
    const int64_t claimed = count(db(), "SELECT count(*) FROM outbox WHERE status = 'SENDING'");
    std::cout << "[ crash    ] SIGKILL with " << at_kill << " of " << 2 * kExecutions << " emails marked sent, "
              << claimed << " claimed by the killed mail workers\n";
    ASSERT_LT(at_kill, 2 * kExecutions) << "the kill must come while mail is still flowing";
    ASSERT_TRUE(server.start_and_wait(args)) << server.log();
  }

  ASSERT_TRUE(eventually([&] { return load_done(db(), kExecutions); }, 300s)) << sent() << " sent\n" << server.log();
  EXPECT_EQ(count(db(), "SELECT count(*) FROM executions"), kExecutions);
  const MailTally mail = tally_mail(db(), *smtp_);
  EXPECT_TRUE(mail.missing.empty()) << mail.missing.size() << " never received, e.g. " << mail.missing.front();
  EXPECT_EQ(mail.distinct, static_cast<size_t>(2 * kExecutions)) << "every email, and nothing else";
  std::cout << "[ crash    ] " << mail.distinct << " distinct Message-IDs received, " << mail.duplicates
            << " duplicate(s) after " << kKills << " kills with " << kMailers << " mail workers\n";
  RecordProperty("duplicates", mail.duplicates);
  EXPECT_LE(mail.duplicates, kKills * kMailers) << "at most one message in flight per mail worker per kill";
  EXPECT_EQ(server.terminate(), 0) << server.log();
}

// A crash while webhooks are being called: each of 1,000 executions calls the receiver and
// then updates its contact. flowd is SIGKILLed when half the calls are recorded, and
// restarted. Every execution must complete and the receiver must have every call; a call
// whose response was lost with the process is made again (at least once, like mail) with
// the Idempotency-Key it had, so the receiver can recognise it: at most one per webhook
// worker per kill.
TEST_F(FlowdCrash, KilledWhileCallingWebhooksEveryCallArrivesWithItsKey) {
  constexpr int kCalls = 1000;
  constexpr int kHookWorkers = 2;
  ServerProcess receiver("http_receiver.py", dir_.path() / "hooks.jsonl");
  write_flow(dir_.path() / "flows", "workflow hooks on \"load\" {\n  webhook post \"" + receiver.url("/hook") +
                                        "\"\n  update contact { called: true }\n}\n");
  FlowdProcess server = flowd("flowd");
  const auto args = flags({"--webhook-workers", std::to_string(kHookWorkers), "--allow-private-webhooks"});
  ASSERT_TRUE(server.start_and_wait(args)) << server.log();
  ASSERT_EQ(track_many({server.port()}, kCalls), 0) << server.log();

  const auto done = [&] { return count(db(), "SELECT count(*) FROM webhook_calls WHERE status = 'DONE'"); };
  ASSERT_TRUE(eventually([&] { return done() >= kCalls / 2; }, 180s)) << done() << " done\n" << server.log();
  server.kill_hard();
  const int64_t at_kill = done();
  std::cout << "[ crash    ] SIGKILL with " << at_kill << " of " << kCalls << " webhook calls recorded\n";
  ASSERT_LT(at_kill, kCalls) << "the kill must come while calls are still being made";
  ASSERT_TRUE(server.start_and_wait(args)) << server.log();

  const auto completed = [&] { return count(db(), "SELECT count(*) FROM executions WHERE status = 'COMPLETED'"); };
  ASSERT_TRUE(eventually([&] { return completed() == kCalls; }, 180s)) << completed() << " completed\n" << server.log();
  EXPECT_EQ(count(db(), "SELECT count(*) FROM contacts WHERE data ? 'called'"), kCalls);
  std::map<std::string, int> calls_by_key;
  for (const auto& record : receiver.records()) ++calls_by_key[record["headers"].value("Idempotency-Key", "")];
  int duplicates = 0;
  for (const auto row : db().exec("SELECT idempotency_key FROM webhook_calls")) {
    const auto calls = calls_by_key.find(row.get<std::string>(0));
    ASSERT_NE(calls, calls_by_key.end()) << row.get<std::string>(0) << " never called";
    duplicates += calls->second - 1;
  }
  EXPECT_EQ(calls_by_key.size(), static_cast<size_t>(kCalls)) << "one key per call, and no call without one";
  std::cout << "[ crash    ] " << calls_by_key.size() << " keys received, " << duplicates << " call(s) made again\n";
  EXPECT_LE(duplicates, kHookWorkers) << "at most one call in flight per webhook worker";
  EXPECT_EQ(server.terminate(), 0) << server.log();
}

}  // namespace
}  // namespace flow::runtime::testing
