#include "runtime/flowd/worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace flow::flowd {

namespace {

constexpr std::chrono::milliseconds kIdleWait{1000};
constexpr int kPauseAfterError = 5;  // idle waits

}  // namespace

Worker::Worker(std::string conninfo, WorkerJob job)
    : conninfo_(std::move(conninfo)),
      job_(std::move(job)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

Worker::~Worker() { stop(); }

void Worker::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void Worker::run(std::stop_token stop) {
  std::optional<runtime::store::Connection> conn;
  while (!stop.stop_requested()) {
    try {
      if (!conn) {
        conn.emplace(conninfo_);
        conn->listen(job_.channel);
        if (!job_.session_setup.empty()) conn->exec(job_.session_setup);
      }
      while (!stop.stop_requested() && job_.drain(*conn)) {
      }
      // Notifications already here mean more work (no need to ask when the next is due),
      // however many there are: one drain serves them all.
      bool notified = false;
      while (conn->wait_for_notification(std::chrono::milliseconds(0))) notified = true;
      if (!stop.stop_requested() && !notified) {
        const auto wait = job_.idle_wait ? job_.idle_wait(*conn) : std::nullopt;
        conn->wait_for_notification(std::min(kIdleWait, wait.value_or(kIdleWait)));
      }
    } catch (const std::exception& error) {
      // A lost session or a failing database: start over with a new session after a pause
      // rather than spin; the work stays due and is claimed again.
      spdlog::error("{}: {}", job_.name, error.what());
      conn.reset();
      for (int i = 0; i < kPauseAfterError && !stop.stop_requested(); ++i) std::this_thread::sleep_for(kIdleWait);
    }
  }
}

}  // namespace flow::flowd
