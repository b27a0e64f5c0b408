#include "server/rate_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace fp::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const TierLimits kTier{"test", 2, 5};  // 2 per second, 5 at once

TEST(RateLimiter, AllowsTheBurstThenRefuses) {
  RateLimiter limiter;
  const auto now = Clock::now();
  for (int i = 0; i < 5; ++i) {
    auto d = limiter.take("key:a", kTier, now);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 5);
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.retry_after_seconds, 0);
  }
  auto refused = limiter.take("key:a", kTier, now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  // Another key has its own bucket.
  EXPECT_TRUE(limiter.take("key:b", kTier, now).allowed);
}

TEST(RateLimiter, RefillsAtTheTiersRate) {
  RateLimiter limiter;
  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.take("k", kTier, start).allowed);
  EXPECT_FALSE(limiter.take("k", kTier, start + milliseconds(400)).allowed);  // 0.8 tokens
  EXPECT_TRUE(limiter.take("k", kTier, start + milliseconds(500)).allowed);   // 1.0 token
  EXPECT_FALSE(limiter.take("k", kTier, start + milliseconds(500)).allowed);
  // Ten seconds bring 20 tokens, but a bucket holds at most its burst.
  const auto later = start + std::chrono::seconds(10);
  int allowed = 0;
  while (limiter.take("k", kTier, later).allowed) ++allowed;
  EXPECT_EQ(allowed, 5);
}

TEST(RateLimiter, RetryAfterAndResetInWholeSeconds) {
  RateLimiter limiter;
  const TierLimits slow{"slow", 0.25, 2};  // one token every 4 s
  const auto now = Clock::now();
  auto first = limiter.take("k", slow, now);
  EXPECT_EQ(first.reset_seconds, 4);  // 1 token missing at 0.25/s
  limiter.take("k", slow, now);
  auto refused = limiter.take("k", slow, now);
  ASSERT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 4);
  EXPECT_EQ(refused.reset_seconds, 8);  // 2 tokens missing
  // 1.5 s later 0.375 token is back: 0.625 missing -> 2.5 s -> 3 whole seconds.
  auto later = limiter.take("k", slow, now + milliseconds(1500));
  ASSERT_FALSE(later.allowed);
  EXPECT_EQ(later.retry_after_seconds, 3);
}

TEST(RateLimiter, EarlierClockGivesNoTokensBack) {
  RateLimiter limiter;
  const auto now = Clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.take("k", kTier, now).allowed);
  EXPECT_FALSE(limiter.take("k", kTier, now - std::chrono::seconds(100)).allowed);
}

TEST(RateLimiter, BoundedWithLeastRecentlyUsedEviction) {
  RateLimiter limiter(4);
  const auto now = Clock::now();
  for (int i = 0; i < 100; ++i) limiter.take("addr:" + std::to_string(i), kTier, now);
  EXPECT_EQ(limiter.buckets(), 4u);
  EXPECT_EQ(limiter.evictions(), 96u);
}

TEST(RateLimiter, EvictsTheLeastRecentlyUsedBucket) {
  RateLimiter limiter(1);  // one shard of one bucket
  const auto now = Clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.take("a", kTier, now).allowed);
  ASSERT_FALSE(limiter.take("a", kTier, now).allowed);
  limiter.take("b", kTier, now);  // drops a's empty bucket
  EXPECT_EQ(limiter.evictions(), 1u);
  EXPECT_TRUE(limiter.take("a", kTier, now).allowed);  // a starts again, full
}

TEST(RateLimiter, ConcurrentTakesNeverExceedBurstPlusRefill) {
  RateLimiter limiter;
  const TierLimits tier{"t", 1000, 50};
  std::atomic<int> allowed{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        if (limiter.take("shared", tier).allowed) allowed.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_LE(allowed.load(), 50 + tier.rate_per_second * elapsed + 1);
  EXPECT_GE(allowed.load(), 50);
}

TEST(RateLimitHeaders, AllowedAndRefused) {
  RateLimiter limiter;
  const TierLimits tier{"free", 10, 20};
  const auto now = Clock::now();
  Response ok;
  add_rate_limit_headers(limiter.take("k", tier, now), tier, ok);
  EXPECT_EQ(ok.headers, (HeaderList{{"RateLimit-Limit", "20"},
                                    {"RateLimit-Remaining", "19"},
                                    {"RateLimit-Reset", "1"},
                                    {"RateLimit-Policy", "20;w=2"}}));
  for (int i = 0; i < 19; ++i) limiter.take("k", tier, now);
  Response refused;
  add_rate_limit_headers(limiter.take("k", tier, now), tier, refused);
  EXPECT_EQ(refused.headers, (HeaderList{{"RateLimit-Limit", "20"},
                                         {"RateLimit-Remaining", "0"},
                                         {"RateLimit-Reset", "2"},
                                         {"RateLimit-Policy", "20;w=2"},
                                         {"Retry-After", "1"}}));
}

}  // namespace
}  // namespace fp::server
