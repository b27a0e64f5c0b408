// RateLimiter with shared buckets in a real Redis: two limiters stand for two replicas.
#include "server/redis_rate_limit.h"

#include <gtest/gtest.h>

#include <thread>

#include "redis_test_support.h"
#include "server/metrics.h"
#include "server/rate_limit.h"

namespace fp::server {
namespace {

using namespace std::chrono_literals;
using testing::elapsed_ms;

// A tier that does not refill during a test.
const TierLimits kSlow{"slow", 0.001, 5};

TEST(RedisRateLimit, ReplicasDrawFromOneBucket) {
  FP_REQUIRE_REDIS(url);
  RedisClient redis_a(testing::test_options(url)), redis_b(testing::test_options(url));
  RateLimiter a, b;
  a.share_through(&redis_a);
  b.share_through(&redis_b);
  const std::string key = testing::unique_name("addr:test-");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(a.take(key, kSlow).allowed) << i;
  RateDecision d = b.take(key, kSlow);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.limit, 5);
  EXPECT_EQ(d.remaining, 1);  // 5 - 4 taken, whichever replica took them
  EXPECT_TRUE(b.take(key, kSlow).allowed);
  d = a.take(key, kSlow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  // One token back takes 1 / 0.001 s (ceil, a few ms already refilled).
  EXPECT_GE(d.retry_after_seconds, 990);
  EXPECT_LE(d.retry_after_seconds, 1000);
  EXPECT_FALSE(b.take(key, kSlow).allowed);
  EXPECT_EQ(a.fallbacks() + b.fallbacks(), 0u);
  EXPECT_EQ(a.buckets() + b.buckets(), 0u);  // nothing was kept locally
}

TEST(RedisRateLimit, LocalLimitersWouldEachAllowTheBurst) {
  // The contrast to the test above: without Redis each replica has a bucket of its own.
  RateLimiter a, b;
  int allowed = 0;
  for (int i = 0; i < 6; ++i) allowed += a.take("addr:x", kSlow).allowed;
  for (int i = 0; i < 6; ++i) allowed += b.take("addr:x", kSlow).allowed;
  EXPECT_EQ(allowed, 10);
}

TEST(RedisRateLimit, RefillsWithRedisClock) {
  FP_REQUIRE_REDIS(url);
  RedisClient redis(testing::test_options(url));
  RateLimiter limiter;
  limiter.share_through(&redis);
  const TierLimits fast{"fast", 10, 1};  // one token back every 100 ms
  const std::string key = testing::unique_name("key:refill-");
  EXPECT_TRUE(limiter.take(key, fast).allowed);
  const RateDecision refused = limiter.take(key, fast);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);  // whole seconds, rounded up
  std::this_thread::sleep_for(150ms);
  EXPECT_TRUE(limiter.take(key, fast).allowed);
}

TEST(RedisRateLimit, IdleBucketVanishesWhenFullAgain) {
  FP_REQUIRE_REDIS(url);
  RedisClient redis(testing::test_options(url));
  RateLimiter limiter;
  limiter.share_through(&redis);
  const TierLimits tier{"t", 10, 2};
  const std::string key = testing::unique_name("key:idle-");
  ASSERT_TRUE(limiter.take(key, tier).allowed);
  // One token missing at 10 per second: full again (and gone) after about 100 ms.
  auto ttl = redis.command({"PTTL", std::string(kRateLimitKeyPrefix) + key});
  ASSERT_TRUE(ttl);
  ASSERT_EQ(ttl->type, RedisReply::Type::kInteger);
  EXPECT_GT(ttl->integer, 50);
  EXPECT_LE(ttl->integer, 101);
  EXPECT_TRUE(testing::eventually(
      [&] {
        auto exists = redis.command({"EXISTS", std::string(kRateLimitKeyPrefix) + key});
        return exists && exists->integer == 0;
      },
      1s));
}

TEST(RedisRateLimit, ScriptIsLoadedAgainAfterFlush) {
  FP_REQUIRE_REDIS(url);
  RedisClient redis(testing::test_options(url));
  RateLimiter limiter;
  limiter.share_through(&redis);
  const std::string key = testing::unique_name("key:noscript-");
  ASSERT_TRUE(limiter.take(key, kSlow).allowed);
  ASSERT_TRUE(redis.command({"SCRIPT", "FLUSH"}));
  const RateDecision d = limiter.take(key, kSlow);  // NOSCRIPT, SCRIPT LOAD, EVALSHA
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 3);  // the bucket in Redis was kept
  EXPECT_EQ(limiter.fallbacks(), 0u);
}

TEST(RedisRateLimit, HungRedisFallsBackLocallyWithinTheBudget) {
  testing::BlackHole hole;
  ASSERT_NE(hole.port(), 0);
  RedisClient redis(testing::test_options(hole.url()));
  Metrics metrics;
  RateLimiter limiter;
  limiter.share_through(&redis, &metrics);
  const TierLimits tier{"t", 0.001, 3};
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.take("addr:1", tier).allowed);
  EXPECT_LT(elapsed_ms(started), 400);  // one command timeout (100 ms) and slack
  EXPECT_FALSE(redis.up());
  started = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.take("addr:1", tier).allowed);
  EXPECT_TRUE(limiter.take("addr:1", tier).allowed);
  EXPECT_FALSE(limiter.take("addr:1", tier).allowed);  // the local bucket still limits
  EXPECT_LT(elapsed_ms(started), 20);                  // and nobody waited for Redis
  EXPECT_EQ(limiter.fallbacks(), 4u);
  EXPECT_NE(metrics.render().find("fp_rate_limit_fallback_total 4"), std::string::npos);
}

TEST(RedisRateLimit, StoppedRedisFallsBackAndSharingResumesWhenBack) {
  FP_REQUIRE_REDIS(url);
  FP_REQUIRE_REDIS_CONTROL();
  RedisClient redis(testing::test_options(url));
  RateLimiter limiter;
  limiter.share_through(&redis);
  const std::string key = testing::unique_name("addr:restart-");
  ASSERT_TRUE(limiter.take(key, kSlow).allowed);
  ASSERT_EQ(limiter.fallbacks(), 0u);
  ASSERT_TRUE(testing::redis_control("stop"));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.take(key, kSlow).allowed);
  EXPECT_LT(elapsed_ms(started), 300);
  EXPECT_EQ(limiter.fallbacks(), 1u);
  EXPECT_FALSE(redis.up());
  EXPECT_EQ(limiter.buckets(), 1u);  // the local bucket answered
  ASSERT_TRUE(testing::redis_control("start"));
  // After the retry interval the limiter is back on Redis by itself: the bucket shows up there.
  const std::string bucket = std::string(kRateLimitKeyPrefix) + key;
  EXPECT_TRUE(testing::eventually([&] {
    (void)limiter.take(key, kSlow);
    auto exists = redis.command({"EXISTS", bucket});
    return exists && exists->integer == 1;
  }));
  EXPECT_TRUE(redis.up());
  const uint64_t fallbacks = limiter.fallbacks();
  (void)limiter.take(key, kSlow);
  EXPECT_EQ(limiter.fallbacks(), fallbacks);
}

}  // namespace
}  // namespace fp::server
