#pragma once
// The second level of the identity cache, shared by every replica through Redis: after a local
// (LRU) miss, `GET fp:id:<epoch>:<sha256 of the cache key>`; after computing, `SET ... EX ttl`.
// The epoch is Redis's `fp:cache:epoch`, bumped (INCR) with every profile or model change and
// announced over pub/sub (cluster_events.h): a change moves every replica to new keys at once,
// and the old entries expire by themselves. Until the epoch is known (start, Redis down at the
// last resync) the shared level is skipped rather than risk answers from an older engine.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/identification.h"
#include "server/redis_client.h"

namespace fp::server {

inline constexpr std::string_view kCacheEpochKey = "fp:cache:epoch";
inline constexpr std::string_view kIdentityKeyPrefix = "fp:id:";
// A stored identity larger than this is not ours: it is ignored (a miss).
inline constexpr size_t kMaxSharedIdentityBytes = 64 * 1024;

// CachedIdentity <-> JSON (Boost.JSON). nullopt when the text is not such an object.
[[nodiscard]] std::string identity_to_json(const CachedIdentity& identity);
[[nodiscard]] std::optional<CachedIdentity> identity_from_json(std::string_view text) noexcept;

class SharedIdentityCache {
 public:
  SharedIdentityCache(RedisClient& redis, std::chrono::seconds ttl) : redis_(redis), ttl_(ttl) {}

  // The Redis key of `cache_key` under `epoch`: fp:id:<epoch>:<64 hex digits>.
  [[nodiscard]] static std::string key(uint64_t epoch, std::string_view cache_key);

  // The identity stored under `epoch`, or nullopt (a miss, Redis down, a value that is not ours).
  [[nodiscard]] std::optional<CachedIdentity> get(std::string_view cache_key, uint64_t epoch);
  // Stores under `epoch`: the one read before the identity was computed, so that an answer from
  // an older engine never lands under a newer epoch's key. Best effort (nothing when down).
  void put(std::string_view cache_key, uint64_t epoch, const CachedIdentity& identity);

  // The current epoch when it is known and Redis is up: the shared level may be used. An unknown
  // epoch is read again from Redis, at most once per kEpochRetry.
  [[nodiscard]] std::optional<uint64_t> usable_epoch();
  static constexpr std::chrono::seconds kEpochRetry{1};
  [[nodiscard]] std::optional<uint64_t> epoch() const;
  void set_epoch(uint64_t epoch);
  // set_epoch, unless a later epoch is already set (a change this replica announced, raced by
  // a newer one its subscriber already applied).
  void raise_epoch(uint64_t epoch);
  void forget_epoch();
  // Reads fp:cache:epoch (absent = 0); false (and the epoch forgotten) when Redis is down.
  bool refresh_epoch();

 private:
  RedisClient& redis_;
  std::chrono::seconds ttl_;
  // Epoch + 1; 0 = unknown.
  std::atomic<uint64_t> epoch_plus_one_{0};
  std::atomic<int64_t> next_refresh_ns_{0};
};

}  // namespace fp::server
