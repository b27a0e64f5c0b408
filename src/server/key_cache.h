#pragma once
// API keys as the dispatcher checks them. A key found in the store is remembered for `ttl`, so
// most requests do not wait on the database; and while the store does not answer (PostgreSQL
// restarting), a key seen before is still honoured, so callers with keys keep being served as
// anonymous ones are. The price: a revoked key may work on a replica for up to `ttl`.
// Entries are keyed by SHA-256 of the secret (the secret itself is not kept), bounded in number.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "server/lru_cache.h"
#include "store/store.h"

namespace fp::server {

inline constexpr std::chrono::seconds kDefaultKeyCacheTtl{30};
inline constexpr size_t kDefaultKeyCacheEntries = 10000;

class KeyCache {
 public:
  explicit KeyCache(std::chrono::steady_clock::duration ttl = kDefaultKeyCacheTtl,
                    size_t max_entries = kDefaultKeyCacheEntries);

  // The key whose secret this is: a fresh remembered one, else the store's answer; when the
  // store fails, the last one remembered however old (counted in stale_answers()).
  [[nodiscard]] std::optional<store::ApiKey> find(
      const store::Store& store, std::string_view secret,
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  void clear() { entries_.clear(); }

  [[nodiscard]] uint64_t stale_answers() const { return stale_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    store::ApiKey key;
    std::chrono::steady_clock::time_point fetched;
  };
  const std::chrono::steady_clock::duration ttl_;
  LruCache<Entry> entries_;
  std::atomic<uint64_t> stale_{0};
};

}  // namespace fp::server
