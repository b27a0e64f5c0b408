#include "server/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "server/metrics.h"
#include "server/redis_rate_limit.h"

namespace fp::server {
namespace {

// Whole seconds until `amount` tokens have come back at `rate` per second, at most a day.
int64_t seconds_until(double amount, double rate) {
  if (amount <= 0) return 0;
  if (!(rate > 0)) return RateLimiter::kNeverSeconds;
  const double seconds = std::ceil(amount / rate);
  return seconds >= RateLimiter::kNeverSeconds ? RateLimiter::kNeverSeconds
                                               : static_cast<int64_t>(seconds);
}

std::string whole(double value) { return std::to_string(static_cast<int64_t>(std::floor(value))); }

// The decision once `tokens` are left in the bucket (after taking one when allowed).
RateDecision decide(bool allowed, double tokens, const TierLimits& tier) {
  RateDecision decision;
  decision.limit = tier.burst;
  decision.allowed = allowed;
  decision.remaining = std::floor(tokens);
  decision.reset_seconds = seconds_until(tier.burst - tokens, tier.rate_per_second);
  decision.retry_after_seconds = allowed ? 0 : seconds_until(1 - tokens, tier.rate_per_second);
  return decision;
}

}  // namespace

RateLimiter::RateLimiter(size_t max_buckets) {
  max_buckets = std::max<size_t>(1, max_buckets);
  // Never more shards than buckets, so that the bound holds exactly.
  const size_t count = std::min(kShards, max_buckets);
  for (size_t i = 0; i < count; ++i) {
    auto shard = std::make_unique<Shard>();
    shard->capacity = max_buckets / count + (i < max_buckets % count ? 1 : 0);
    shards_.push_back(std::move(shard));
  }
}

RateLimiter::Shard& RateLimiter::shard_of(std::string_view key) {
  // The shard's map hashes the same key with the same function, so pick the shard from other bits.
  const uint64_t mixed = std::hash<std::string_view>{}(key)*0x9E3779B97F4A7C15ull;
  return *shards_[(mixed >> 32) % shards_.size()];
}

RateLimiter::Bucket& RateLimiter::find_or_add(Shard& shard, std::string_view key,
                                              const TierLimits& tier,
                                              std::chrono::steady_clock::time_point now) {
  if (auto found = shard.index.find(key); found != shard.index.end()) {
    shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
    return *found->second;
  }
  if (shard.recency.size() >= shard.capacity) {
    shard.index.erase(shard.recency.back().key);
    shard.recency.pop_back();
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  shard.recency.push_front(Bucket{std::string(key), tier.burst, now});
  shard.index.emplace(shard.recency.front().key, shard.recency.begin());
  return shard.recency.front();
}

void RateLimiter::share_through(RedisClient* redis, Metrics* metrics) {
  redis_ = redis;
  metrics_ = metrics;
}

RateDecision RateLimiter::take(std::string_view key, const TierLimits& tier,
                               std::chrono::steady_clock::time_point now) {
  if (redis_) {
    if (auto shared = take_shared_token(*redis_, key, tier)) {
      return decide(shared->allowed, shared->tokens, tier);
    }
    fallbacks_.fetch_add(1, std::memory_order_relaxed);
    if (metrics_) metrics_->rate_limit_fallback();
  }
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  Bucket& bucket = find_or_add(shard, key, tier, now);
  // Threads may call with a `now` a little older than the bucket's last update: no refill then.
  if (now > bucket.updated) {
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens += elapsed * tier.rate_per_second;
    bucket.updated = now;
  }
  // Also clamps a bucket whose key moved to a tier with a smaller burst.
  bucket.tokens = std::min(bucket.tokens, tier.burst);

  const bool allowed = bucket.tokens >= 1;
  if (allowed) bucket.tokens -= 1;
  return decide(allowed, bucket.tokens, tier);
}

size_t RateLimiter::buckets() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->recency.size();
  }
  return total;
}

uint64_t RateLimiter::evictions() const { return evictions_.load(std::memory_order_relaxed); }

void add_rate_limit_headers(const RateDecision& d, const TierLimits& tier, Response& response) {
  response.set_header("RateLimit-Limit", whole(d.limit));
  response.set_header("RateLimit-Remaining", whole(d.remaining));
  response.set_header("RateLimit-Reset", std::to_string(d.reset_seconds));
  // The policy's window is the time an empty bucket takes to refill its burst.
  response.set_header(
      "RateLimit-Policy",
      whole(tier.burst) + ";w=" + std::to_string(seconds_until(tier.burst, tier.rate_per_second)));
  if (!d.allowed) response.set_header("Retry-After", std::to_string(d.retry_after_seconds));
}

}  // namespace fp::server
