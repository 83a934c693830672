// The workers' doorbells and the one LISTENing session that rings them (NotificationHub),
// against a real PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stop_token>
#include <thread>

#include "database.hpp"
#include "runtime/flowd/notification_hub.hpp"
#include "runtime/flowd/worker.hpp"

namespace flow::flowd {
namespace {

using namespace std::chrono_literals;

// Returns whether the ring came rather than the timeout, so no test depends on timing.
TEST(Doorbell, ARingWakesOneWaiterAndIsKeptWhenNobodyWaits) {
  Doorbell bell;
  bell.join(), bell.join();
  EXPECT_FALSE(bell.take()) << "not rung yet";
  bell.ring();
  EXPECT_TRUE(bell.take());
  EXPECT_FALSE(bell.take()) << "one ring, taken once";
  for (int i = 0; i < 5; ++i) bell.ring();
  EXPECT_TRUE(bell.take());
  EXPECT_TRUE(bell.take());
  EXPECT_FALSE(bell.take()) << "a burst keeps at most one ring per member";

  std::atomic<int> woken = 0;
  std::stop_source stop;
  std::jthread first([&] { woken += bell.wait(60s, stop.get_token()); });
  std::jthread second([&] { woken += bell.wait(60s, stop.get_token()); });
  bell.ring();
  while (woken.load() == 0) std::this_thread::yield();
  std::this_thread::sleep_for(50ms);  // a second waiter woken by the one ring would show now
  EXPECT_EQ(woken.load(), 1);
  stop.request_stop();  // the other returns at once, unrung
  first.join(), second.join();
  EXPECT_EQ(woken.load(), 1);
}

TEST(Doorbell, RingAllWakesEveryWaiter) {
  Doorbell bell;
  bell.join(), bell.join();
  std::atomic<int> woken = 0;
  std::jthread first([&] { woken += bell.wait(60s, {}); });
  std::jthread second([&] { woken += bell.wait(60s, {}); });
  bell.ring_all();
  first.join(), second.join();
  EXPECT_EQ(woken.load(), 2);
}

using NotificationHubTest = runtime::testing::DatabaseTest;

// Channels are the cluster's, not the schema's: names no other test uses.
TEST_F(NotificationHubTest, ANotifyRingsTheDoorbellOfItsChannelOnly) {
  NotificationHub hub(conninfo());
  Doorbell& mail = hub.doorbell("hub_test_mail");
  Doorbell& work = hub.doorbell("hub_test_work");
  mail.join(), work.join();
  hub.start();
  // start() rings every doorbell once its session listens (notifications missed before).
  ASSERT_TRUE(mail.wait(10s, {}));
  ASSERT_TRUE(work.wait(10s, {}));
  connect().notify("hub_test_mail");
  EXPECT_TRUE(mail.wait(10s, {})) << "rung by the NOTIFY, not timed out";
  EXPECT_FALSE(work.take()) << "another channel's doorbell stays quiet";
  hub.stop();
}

// The mail workers' pause after a drain (WorkerJob::gather) holds off a ring, which is kept
// for afterwards, but not a stop request: stop() returns in the middle of an hour's pause.
TEST_F(NotificationHubTest, AWorkersGatherPauseKeepsARingAndEndsAtAStopRequest) {
  Doorbell bell;
  std::atomic<int> drains{0};
  Worker worker(conninfo(),
                WorkerJob{.name = "gathering worker",
                          .channel = "unused",
                          .drain =
                              [&](runtime::store::Connection&, std::stop_token) {
                                ++drains;
                                drains.notify_all();
                                return false;
                              },
                          .gather = std::chrono::hours(1)},
                bell);
  drains.wait(0);  // the first drain has run: the worker pauses now, for an hour
  bell.ring();
  worker.stop();
  EXPECT_EQ(drains.load(), 1) << "the ring is kept until the pause ends, and stop() ended it";
}

}  // namespace
}  // namespace flow::flowd
