#include "server/key_cache.h"

#include <string>

#include "core/hash.h"

namespace fp::server {

KeyCache::KeyCache(std::chrono::steady_clock::duration ttl, size_t max_entries)
    : ttl_(ttl), entries_(max_entries) {}

std::optional<store::ApiKey> KeyCache::find(const store::Store& store, std::string_view secret,
                                            std::chrono::steady_clock::time_point now) {
  if (secret.empty() || secret.size() > store::kMaxSecretLength) return std::nullopt;
  const std::string id = sha256_hex(secret);
  std::optional<Entry> remembered = entries_.get(id);
  if (remembered && now - remembered->fetched < ttl_) return remembered->key;
  // The store has no "failed" answer for a lookup; a failure shows in its error count. A
  // failure of another thread at the same moment also counts here, and only means that a
  // remembered key is used once more.
  const uint64_t errors_before = store.errors();
  std::optional<store::ApiKey> key = store.find_key(secret);
  if (key) {
    entries_.put(id, Entry{*key, now});
    return key;
  }
  if (store.errors() != errors_before && remembered) {
    stale_.fetch_add(1, std::memory_order_relaxed);
    return remembered->key;
  }
  entries_.erase(id);  // unknown or revoked now: forget it at once
  return std::nullopt;
}

}  // namespace fp::server
