#pragma once
// What the outbox worker calls to deliver one row. A mailer never retries by itself: it
// reports whether trying again later can help, and the worker schedules the retry
// (retry_delay) in the row, so retries survive a restart.
#include <chrono>
#include <functional>
#include <string>

#include "runtime/delivery/message.hpp"

namespace flow::runtime::delivery {

struct SendResult {
  bool ok = false;
  bool permanent_failure = false;  // meaningful when !ok: retrying the same row can't succeed
  std::string message;             // the server's reply or the error, for the row's last_error
};

// The runtime's clock, injected so tests and demos control the Date header.
using Clock = std::function<std::chrono::system_clock::time_point()>;

class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual SendResult send(const OutgoingEmail& email) = 0;
};

}  // namespace flow::runtime::delivery
