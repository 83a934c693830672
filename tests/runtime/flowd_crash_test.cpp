// A crash while mail is flowing: 2,000 executions each send two emails with a delay between
// them; flowd is SIGKILLed twice at different moments and restarted. Every execution must
// complete and the SMTP server must have every email. Delivery is at least once
// (docs/runtime.md, "Mailer"): a kill between the server's 250 and the COMMIT that marks
// the row SENT makes the restarted flowd send that message again, so the test counts
// duplicates by Message-ID and asserts the design's bound — at most one per mail worker
// per kill — and prints how many there were. The receiver keeps every copy it gets.
#include <gtest/gtest.h>

#include <iostream>

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
    std::cout << "[ crash    ] SIGKILL with " << at_kill << " of " << 2 * kExecutions << " emails marked sent\n";
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

}  // namespace
}  // namespace flow::runtime::testing
