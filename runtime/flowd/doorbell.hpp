#pragma once
// How a flowd's workers of one kind hear that work arrived: the NotificationHub rings the
// doorbell of a channel for each NOTIFY it hears there. A ring wakes one waiting worker, not
// all: the others would only claim nothing. A ring nobody waits for is kept until a worker
// takes it, so that a worker busy while it rang drains again after; at most one is kept
// per worker, so a burst of rings costs at most one more drain each.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stop_token>

namespace flow::flowd {

class Doorbell {
 public:
  // Counts a worker that waits on this doorbell.
  void join();

  void ring();
  // Wakes every worker: the hub lost its session, and notifications may have been missed.
  void ring_all();
  // Whether it rang since the worker last took a ring; takes one.
  bool take();
  // Until a ring (taken), `timeout` or a stop request. Returns whether it rang.
  bool wait(std::chrono::milliseconds timeout, std::stop_token stop);

 private:
  std::mutex mutex_;
  std::condition_variable_any rung_;
  size_t members_ = 0;
  size_t rings_ = 0;  // kept rings, at most members_
};

}  // namespace flow::flowd
