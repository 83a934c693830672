#pragma once
// One LISTENing session for all of a flowd's workers. PostgreSQL signals every backend that
// listens in a database on each NOTIFY, whatever the channel: with a session per worker,
// each tracked event woke every worker's backend (five with the default workers) and every
// worker of the channel, of which all but one then claimed nothing. The hub hears each
// notification once and rings the doorbell of its channel (doorbell.hpp).
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "runtime/flowd/doorbell.hpp"

namespace flow::flowd {

class NotificationHub {
 public:
  explicit NotificationHub(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  ~NotificationHub() { stop(); }
  NotificationHub(const NotificationHub&) = delete;
  NotificationHub& operator=(const NotificationHub&) = delete;

  // The doorbell of `channel`, LISTENed to once start() runs; before start() only.
  Doorbell& doorbell(const std::string& channel);

  // LISTENs on every channel asked for, on a session of its own, in a thread of its own;
  // after a lost session, connects again and rings every doorbell.
  void start();
  // Asks the thread to end and joins it: within a second.
  void stop();

 private:
  void run(std::stop_token stop);

  std::string conninfo_;
  std::map<std::string, std::unique_ptr<Doorbell>> doorbells_;
  std::jthread thread_;
};

}  // namespace flow::flowd
