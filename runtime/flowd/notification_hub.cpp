#include "runtime/flowd/notification_hub.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "runtime/store/connection.hpp"

namespace flow::flowd {

namespace {

// Also how long stop() may take.
constexpr std::chrono::milliseconds kPoll{1000};
constexpr int kPauseAfterError = 5;  // polls

}  // namespace

Doorbell& NotificationHub::doorbell(const std::string& channel) {
  auto& bell = doorbells_[channel];
  if (!bell) bell = std::make_unique<Doorbell>();
  return *bell;
}

void NotificationHub::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void NotificationHub::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void NotificationHub::run(std::stop_token stop) {
  std::optional<runtime::store::Connection> conn;
  while (!stop.stop_requested()) {
    try {
      if (!conn) {
        conn.emplace(conninfo_);
        for (const auto& [channel, bell] : doorbells_) conn->listen(channel);
        // Whatever was notified while no session listened: every worker looks.
        for (const auto& [channel, bell] : doorbells_) bell->ring_all();
      }
      if (const auto notification = conn->wait_for_notification(kPoll)) {
        const auto bell = doorbells_.find(notification->channel);
        if (bell != doorbells_.end()) bell->second->ring();
      }
    } catch (const std::exception& error) {
      spdlog::error("notification hub: {}", error.what());
      conn.reset();
      for (int i = 0; i < kPauseAfterError && !stop.stop_requested(); ++i) std::this_thread::sleep_for(kPoll);
    }
  }
}

}  // namespace flow::flowd
