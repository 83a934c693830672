// Two flowd processes on one database share the work of 2,000 executions (each sends two
// emails with a delay between them): claims with FOR UPDATE SKIP LOCKED keep every step
// from running twice and every email from being sent twice, and every execution finishes.
#include <gtest/gtest.h>

#include <thread>

#include "support/mail_load.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kExecutions = 2000;

class FlowdTwoProcess : public MailLoadTest {};

TEST_F(FlowdTwoProcess, ShareOneDatabaseWithoutRunningAStepTwice) {
  FlowdProcess a = flowd("a");  // the same database, flows and SMTP server
  FlowdProcess b = flowd("b");
  const auto args = flags();
  ASSERT_TRUE(a.start_and_wait(args)) << a.log();
  ASSERT_TRUE(b.start_and_wait(args)) << b.log();
  ASSERT_EQ(track_many({a.port(), b.port()}, kExecutions), 0) << a.log() << b.log();

  ASSERT_TRUE(eventually([&] { return load_done(db(), kExecutions); }, 300s)) << a.log() << b.log();
  EXPECT_EQ(count(db(), "SELECT count(*) FROM executions"), kExecutions);
  // The workflow has no loop, so each step is entered once per execution.
  EXPECT_EQ(count(db(), "SELECT count(*) FROM (SELECT 1 FROM step_history GROUP BY execution_id, step "
                        "HAVING count(*) > 1) AS twice"),
            0);
  EXPECT_EQ(count(db(), "SELECT count(DISTINCT (execution_id, step)) FROM step_history"), 3 * kExecutions)
      << "send, delay, send of every execution";

  const MailTally mail = tally_mail(db(), *smtp_);
  EXPECT_TRUE(mail.missing.empty()) << mail.missing.size() << " never received, e.g. " << mail.missing.front();
  EXPECT_EQ(mail.distinct, static_cast<size_t>(2 * kExecutions)) << "every email, and nothing else";
  EXPECT_EQ(mail.duplicates, 0) << "without a crash every email is sent once";
  EXPECT_EQ(a.terminate(), 0) << a.log();
  EXPECT_EQ(b.terminate(), 0) << b.log();
}

// The API and the workers split over processes: one flowd with no workers accepts the
// events, another with workers runs what they leave in the database. `start_on_track`: the
// API's tracks run the executions they start up to their first suspension (the delay
// between the two emails), or leave them RUNNING to a worker.
class FlowdApiOnly : public FlowdTwoProcess, public ::testing::WithParamInterface<bool> {};

TEST_P(FlowdApiOnly, LeavesTheRestOfTheWorkToAnother) {
  const bool start_on_track = GetParam();
  constexpr int kQueued = 200;
  FlowdProcess api = flowd("api");
  FlowdProcess runner = flowd("runner");
  ASSERT_TRUE(api.start_and_wait(flags({"--workers", "0", "--mailers", "0", "--webhook-workers", "0",
                                        "--start-on-track", start_on_track ? "true" : "false"})))
      << api.log();
  ASSERT_EQ(track_many({api.port()}, kQueued), 0) << api.log();
  std::this_thread::sleep_for(1s);  // time in which a worker would have run some
  if (start_on_track) {
    EXPECT_EQ(count(db(), "SELECT count(*) FROM executions WHERE status = 'WAITING'"), kQueued);
    EXPECT_EQ(count(db(), "SELECT count(*) FROM step_history"), 2 * kQueued) << "send and delay, in the track";
    EXPECT_EQ(count(db(), "SELECT count(*) FROM outbox WHERE status = 'PENDING'"), kQueued) << "no mailer";
  } else {
    EXPECT_EQ(count(db(), "SELECT count(*) FROM executions WHERE status = 'RUNNING'"), kQueued);
    EXPECT_EQ(count(db(), "SELECT count(*) FROM step_history"), 0) << "no step ran without a worker";
  }

  ASSERT_TRUE(runner.start_and_wait(flags())) << runner.log();
  ASSERT_TRUE(eventually([&] { return load_done(db(), kQueued); }, 120s)) << runner.log();
  const MailTally mail = tally_mail(db(), *smtp_);
  EXPECT_TRUE(mail.missing.empty()) << mail.missing.size() << " never received";
  EXPECT_EQ(mail.distinct, static_cast<size_t>(2 * kQueued));
  EXPECT_EQ(api.terminate(), 0) << api.log();
  EXPECT_EQ(runner.terminate(), 0) << runner.log();
}

INSTANTIATE_TEST_SUITE_P(StartOnTrack, FlowdApiOnly, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "StartingOnTrack" : "LeavingTheStartToo"; });

}  // namespace
}  // namespace flow::runtime::testing
