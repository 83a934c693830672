#include "runtime/delivery/retry.hpp"

#include <algorithm>
#include <random>

namespace flow::runtime::delivery {

std::chrono::milliseconds retry_delay(int attempt, double unit, const Backoff& backoff) {
  const int64_t base = std::max<int64_t>(1, backoff.base.count());
  const int64_t max = std::max(base, static_cast<int64_t>(backoff.max.count()));
  // Doubling stops at the cap, so large attempt numbers can't overflow.
  int64_t delay = base;
  for (int i = 1; i < attempt && delay < max; ++i) delay *= 2;
  delay = std::min(delay, max);
  unit = std::clamp(unit, 0.0, 1.0);
  const int64_t half = delay / 2;
  return std::chrono::milliseconds(half + static_cast<int64_t>(unit * static_cast<double>(delay - half)));
}

std::chrono::milliseconds retry_delay(int attempt, const Backoff& backoff) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return retry_delay(attempt, std::uniform_real_distribution<double>(0.0, 1.0)(generator), backoff);
}

}  // namespace flow::runtime::delivery
