#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "database.hpp"

namespace flow::runtime::store {
namespace {

using namespace std::chrono_literals;
using testing::DatabaseTest;
using Notify = DatabaseTest;

// Channels are the cluster's, not the schema's: a name no other test uses, or a track in a
// test running alongside would wake this one.
TEST_F(Notify, ANotificationWakesTheWaiter) {
  db().listen("store_notify_test");
  std::thread sender([this] {
    std::this_thread::sleep_for(100ms);
    connect().notify("store_notify_test", "execution 42");
  });
  const auto started = std::chrono::steady_clock::now();
  const std::optional<Notification> notification = db().wait_for_notification(10s);
  sender.join();
  ASSERT_TRUE(notification);
  EXPECT_EQ(notification->channel, "store_notify_test");
  EXPECT_EQ(notification->payload, "execution 42");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "woken by the notification, not the timeout";
}

TEST_F(Notify, WaitingTimesOutWithoutANotification) {
  db().listen("quiet channel");  // any name: it is quoted
  EXPECT_EQ(db().wait_for_notification(50ms), std::nullopt);
}

}  // namespace
}  // namespace flow::runtime::store
