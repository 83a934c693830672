#include "runtime/flowd/doorbell.hpp"

#include <algorithm>

namespace flow::flowd {

void Doorbell::join() {
  std::lock_guard lock(mutex_);
  ++members_;
}

void Doorbell::ring() {
  {
    std::lock_guard lock(mutex_);
    rings_ = std::min(rings_ + 1, std::max<size_t>(members_, 1));
  }
  rung_.notify_one();
}

void Doorbell::ring_all() {
  {
    std::lock_guard lock(mutex_);
    rings_ = std::max<size_t>(members_, 1);
  }
  rung_.notify_all();
}

bool Doorbell::take() {
  std::lock_guard lock(mutex_);
  if (rings_ == 0) return false;
  --rings_;
  return true;
}

bool Doorbell::wait(std::chrono::milliseconds timeout, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  if (!rung_.wait_for(lock, stop, timeout, [this] { return rings_ > 0; })) return false;
  --rings_;
  return true;
}

}  // namespace flow::flowd
