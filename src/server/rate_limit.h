#pragma once
// Token-bucket rate limits, one bucket per caller key ("key:<id>", "addr:1.2.3.4"). Thread-safe
// (the API runs on several threads): buckets live in shards, each behind its own mutex. Memory
// is bounded: past `max_buckets` the least recently used bucket of a shard is dropped (counted);
// a dropped bucket comes back full, which errs on the side of serving the caller.
//
// Shared mode (share_through): while Redis is up the buckets live there (redis_rate_limit.h),
// so every replica draws from the same one; when it is down or fails, the local buckets answer
// (each such request counted in fallbacks() and fp_rate_limit_fallback_total) and the limiter
// goes back to Redis by itself once the client is up again.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/config.h"
#include "server/http_types.h"

namespace fp::server {

struct RateDecision {
  bool allowed = false;
  double limit = 0;                 // the tier's burst: requests allowed at once
  double remaining = 0;             // whole tokens left after this request
  int64_t reset_seconds = 0;        // until the bucket is full again
  int64_t retry_after_seconds = 0;  // until one token is back; 0 when allowed
};

class Metrics;
class RedisClient;

class RateLimiter {
 public:
  static constexpr size_t kShards = 16;

  explicit RateLimiter(size_t max_buckets = 100000);

  // Takes one token from bucket `key` with the tier's rate and burst (a bucket starts full).
  // A tier with a rate of 0 never refills; its retry_after is kNeverSeconds. In shared mode
  // `now` is used only by the local fallback: Redis's clock times the shared buckets.
  RateDecision take(std::string_view key, const TierLimits& tier,
                    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  [[nodiscard]] size_t buckets() const;      // tracked now
  [[nodiscard]] uint64_t evictions() const;  // buckets dropped at the bound (least recently used)

  // Keeps the buckets in Redis from now on (nullptr: local again). Call before serving; `redis`
  // and `metrics` (may be null) must outlive every take().
  void share_through(RedisClient* redis, Metrics* metrics = nullptr);
  // Requests limited locally because the shared buckets could not be reached.
  [[nodiscard]] uint64_t fallbacks() const { return fallbacks_.load(std::memory_order_relaxed); }

  static constexpr int64_t kNeverSeconds = 86400;

 private:
  struct Bucket {
    std::string key;
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };
  struct Shard {
    mutable std::mutex mutex;
    size_t capacity = 1;
    std::list<Bucket> recency;  // most recently used first
    std::unordered_map<std::string_view, std::list<Bucket>::iterator> index;  // views into recency
  };

  [[nodiscard]] Shard& shard_of(std::string_view key);
  Bucket& find_or_add(Shard& shard, std::string_view key, const TierLimits& tier,
                      std::chrono::steady_clock::time_point now);

  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> fallbacks_{0};
  RedisClient* redis_ = nullptr;
  Metrics* metrics_ = nullptr;
};

// Response headers per draft-ietf-httpapi-ratelimit-headers: RateLimit-Limit, RateLimit-Remaining,
// RateLimit-Reset, RateLimit-Policy "<burst>;w=<seconds to refill the burst>", and Retry-After
// (RFC 9110 10.2.3, delay-seconds) when refused.
void add_rate_limit_headers(const RateDecision& d, const TierLimits& tier, Response& response);

}  // namespace fp::server
