#include "runtime/flowd/worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "runtime/engine/engine.hpp"
#include "runtime/store/connection.hpp"
#include "runtime/store/error.hpp"

namespace flow::flowd {

namespace {

constexpr int kBatch = 100;
constexpr std::chrono::seconds kIdleWait{1};
constexpr const char* kChannel = "flow_work";

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Worker::Worker(std::string conninfo, int index)
    : conninfo_(std::move(conninfo)), index_(index), thread_([this](std::stop_token stop) { run(stop); }) {}

Worker::~Worker() { stop(); }

void Worker::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void Worker::run(std::stop_token stop) {
  // Each worker has its own Engine: the program cache inside is not shared between threads.
  runtime::engine::Engine engine({.clock = now_seconds});
  std::optional<runtime::store::Connection> conn;
  while (!stop.stop_requested()) {
    try {
      if (!conn) {
        conn.emplace(conninfo_);
        conn->listen(kChannel);
      }
      while (!stop.stop_requested() && engine.run_due(*conn, kBatch) > 0) {
      }
      if (!stop.stop_requested()) conn->wait_for_notification(kIdleWait);
    } catch (const std::exception& error) {
      // A lost session or a failing database: start over with a new session after a pause
      // rather than spin; the executions stay due and are claimed again.
      spdlog::error("worker {}: {}", index_, error.what());
      conn.reset();
      for (int i = 0; i < 5 && !stop.stop_requested(); ++i) std::this_thread::sleep_for(kIdleWait);
    }
  }
}

}  // namespace flow::flowd
