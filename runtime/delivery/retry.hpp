#pragma once
// When to try a failed delivery (email or webhook) again: exponential backoff with jitter,
// so that many rows failing together (a receiver down) don't all retry in the same second.
#include <chrono>

namespace flow::runtime::delivery {

struct Backoff {
  std::chrono::milliseconds base{std::chrono::seconds(30)};  // the delay before the first retry
  std::chrono::milliseconds max{std::chrono::hours(1)};      // no delay is longer
};

// The delay before retry number `attempt` (1 = the first retry) is drawn from
// [d/2, d], d = min(max, base * 2^(attempt-1)), at the position `unit` in [0, 1].
// Pure: the caller supplies the random number.
std::chrono::milliseconds retry_delay(int attempt, double unit, const Backoff& backoff = {});

// The same with a random `unit` from a per-thread generator.
std::chrono::milliseconds retry_delay(int attempt, const Backoff& backoff = {});

}  // namespace flow::runtime::delivery
