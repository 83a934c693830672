#pragma once
// A worker: one thread with its own session that runs due executions. It LISTENs on
// flow_work (NOTIFYed by /v1/track on commit) so new work starts at once, and wakes every
// second anyway because timers (`delay`, `wait … within`) fall due without a notification.
#include <string>
#include <thread>

namespace flow::flowd {

class Worker {
 public:
  Worker(std::string conninfo, int index);
  ~Worker();  // stop()
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Asks the loop to end and joins it; at most one wait (1 s) plus the running batch.
  void stop();

 private:
  void run(std::stop_token stop);

  std::string conninfo_;
  int index_;
  std::jthread thread_;
};

}  // namespace flow::flowd
