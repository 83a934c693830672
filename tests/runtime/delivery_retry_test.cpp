// retry_delay: exponential, capped, jittered within [d/2, d].
#include <gtest/gtest.h>

#include "runtime/delivery/retry.hpp"

namespace flow::runtime::delivery {
namespace {

using namespace std::chrono_literals;

TEST(DeliveryRetry, DoublesFromBaseWithinJitterBounds) {
  const Backoff backoff{.base = 10s, .max = 1h};
  EXPECT_EQ(retry_delay(1, 0.0, backoff), 5s);
  EXPECT_EQ(retry_delay(1, 1.0, backoff), 10s);
  EXPECT_EQ(retry_delay(2, 0.0, backoff), 10s);
  EXPECT_EQ(retry_delay(2, 1.0, backoff), 20s);
  EXPECT_EQ(retry_delay(4, 0.5, backoff), 60s);
}

TEST(DeliveryRetry, CappedAndSafeForAnyAttempt) {
  const Backoff backoff{.base = 10s, .max = 1h};
  EXPECT_EQ(retry_delay(12, 1.0, backoff), 1h);
  EXPECT_EQ(retry_delay(1'000'000, 0.0, backoff), 30min);
  EXPECT_EQ(retry_delay(0, 1.0, backoff), 10s) << "attempt numbers below 1 count as the first retry";
  EXPECT_EQ(retry_delay(1, 7.0, backoff), 10s) << "the random unit is clamped to [0, 1]";
}

TEST(DeliveryRetry, RandomDrawStaysInBounds) {
  const Backoff backoff{.base = 1s, .max = 1min};
  for (int attempt = 1; attempt <= 10; ++attempt) {
    const auto ceiling = std::min<std::chrono::milliseconds>(backoff.max, backoff.base * (1 << (attempt - 1)));
    for (int i = 0; i < 100; ++i) {
      const auto delay = retry_delay(attempt, backoff);
      EXPECT_GE(delay, ceiling / 2);
      EXPECT_LE(delay, ceiling);
    }
  }
}

}  // namespace
}  // namespace flow::runtime::delivery
