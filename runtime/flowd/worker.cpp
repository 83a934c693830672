#include "runtime/flowd/worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "runtime/engine/track.hpp"

namespace flow::flowd {

namespace {

constexpr std::chrono::milliseconds kIdleWait = runtime::engine::kWorkerRecheck;
constexpr std::chrono::milliseconds kPauseAfterError{5000};

// Sleeps for `duration` or until a stop request.
void pause(std::chrono::milliseconds duration, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any never;
  std::unique_lock lock(mutex);
  never.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace

Worker::Worker(std::string conninfo, WorkerJob job, Doorbell& doorbell)
    : conninfo_(std::move(conninfo)), job_(std::move(job)), doorbell_(doorbell) {
  doorbell_.join();
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

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
        if (job_.session_setup) job_.session_setup(*conn);
      }
      for (bool first = true; !stop.stop_requested() && job_.drain(*conn, stop); first = false) {
        // More than one drain's worth: wake another worker of this kind to share it.
        if (first) doorbell_.ring();
      }
      if (job_.gather.count() > 0) pause(job_.gather, stop);
      // A ring while this one drained may be work it did not see: drain again rather than
      // ask when the next is due.
      if (stop.stop_requested() || doorbell_.take()) continue;
      const auto wait = job_.idle_wait ? job_.idle_wait(*conn) : std::nullopt;
      doorbell_.wait(std::min(kIdleWait, wait.value_or(kIdleWait)), stop);
    } catch (const std::exception& error) {
      // A lost session or a failing database: start over with a new session after a pause
      // rather than spin; the work stays due and is claimed again.
      spdlog::error("{}: {}", job_.name, error.what());
      conn.reset();
      doorbell_.wait(kPauseAfterError, stop);  // a ring taken here is drained next
    }
  }
}

}  // namespace flow::flowd
