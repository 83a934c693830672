#pragma once
// A worker: one thread with its own session that drains one kind of due work (executions,
// outbox rows, webhook calls; see worker_kinds.hpp). It waits on the doorbell of the channel
// the work's producers NOTIFY on commit (rung by the NotificationHub), so new work starts at
// once, and wakes every second anyway because some work falls due without a notification
// (retries after a backoff); the execution workers wake when the next timer is due.
// All three kinds share this loop: drain while there is work, wait, and on an error start
// over with a new session after a pause.
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "runtime/flowd/doorbell.hpp"
#include "runtime/store/connection.hpp"

namespace flow::flowd {

struct WorkerJob {
  std::string name;     // for the log: "mailer 1"
  std::string channel;  // whose doorbell it waits on
  // Run once on each new session before any work, e.g. a SET or taking a lease (unset:
  // nothing).
  std::function<void(runtime::store::Connection&)> session_setup = {};
  // Does a share of the due work and returns whether more may be due now (then the worker
  // calls it again; otherwise it waits). A drain that does several slow things (sends) looks
  // at the stop token between them. Called on the worker's thread only, so it may own state
  // used by one thread at a time (an Engine's program cache, a libcurl handle and its open
  // connection, the session's lease).
  std::function<bool(runtime::store::Connection&, std::stop_token)> drain;
  // How long to wait for a notification once drained, when the work knows when its next
  // unit falls due: at most a second, which is also the wait when unset or nullopt.
  std::function<std::optional<std::chrono::milliseconds>(runtime::store::Connection&)> idle_wait = {};
  // After a drain that left nothing due, a pause this long before the next one, even when
  // rung (a ring meanwhile is kept): work that arrives in that time is claimed together, in
  // one statement, instead of one claim per notification. Zero: none.
  std::chrono::milliseconds gather{0};
};

class Worker {
 public:
  // Joins `doorbell` (the hub's, for job.channel).
  Worker(std::string conninfo, WorkerJob job, Doorbell& doorbell);
  ~Worker();  // stop()
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Asks the loop to end without waiting: stop many workers at once, then join each.
  void request_stop() { thread_.request_stop(); }
  // Asks the loop to end and joins it: at once, or after the running unit of work.
  void stop();

 private:
  void run(std::stop_token stop);

  std::string conninfo_;
  WorkerJob job_;
  Doorbell& doorbell_;
  std::jthread thread_;
};

}  // namespace flow::flowd
