#pragma once
// A bounded, thread-safe LRU map from string keys to values, with hit/miss/eviction counters.
// Keys are spread over shards, each with its own mutex and its own LRU list, so eviction is
// least-recently-used within a shard (exact LRU when shards == 1). The capacity is split over
// the shards; a capacity of 0 caches nothing.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fp::server {

template <class Value>
class LruCache {
 public:
  explicit LruCache(size_t capacity, size_t shards = 16) : capacity_(capacity) {
    // Never more shards than entries, so that every shard holds at least one.
    const size_t count = std::max<size_t>(1, std::min(shards, capacity));
    for (size_t i = 0; i < count; ++i) {
      auto shard = std::make_unique<Shard>();
      shard->capacity = capacity / count + (i < capacity % count ? 1 : 0);
      shards_.push_back(std::move(shard));
    }
  }

  // A copy of the value, which becomes the most recently used; counts a hit or a miss.
  [[nodiscard]] std::optional<Value> get(const std::string& key) {
    Shard& shard = shard_of(key);
    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(key);
    if (found == shard.index.end()) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      return std::nullopt;
    }
    shard.entries.splice(shard.entries.begin(), shard.entries, found->second);
    hits_.fetch_add(1, std::memory_order_relaxed);
    return found->second->second;
  }

  // Inserts or replaces; past the shard's capacity its least recently used entry is evicted.
  void put(std::string key, Value value) {
    Shard& shard = shard_of(key);
    if (shard.capacity == 0) return;
    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(key);
    if (found != shard.index.end()) {
      found->second->second = std::move(value);
      shard.entries.splice(shard.entries.begin(), shard.entries, found->second);
      return;
    }
    if (shard.entries.size() >= shard.capacity) {
      shard.index.erase(shard.entries.back().first);
      shard.entries.pop_back();
      evictions_.fetch_add(1, std::memory_order_relaxed);
    }
    shard.entries.emplace_front(std::move(key), std::move(value));
    shard.index.emplace(shard.entries.front().first, shard.entries.begin());
  }

  // Drops the entry of `key`, if any.
  void erase(const std::string& key) {
    Shard& shard = shard_of(key);
    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(key);
    if (found == shard.index.end()) return;
    auto entry = found->second;
    shard.index.erase(found);
    shard.entries.erase(entry);
  }

  // Drops every entry (the profiles or the model changed); counters keep counting.
  void clear() {
    for (auto& shard : shards_) {
      std::lock_guard lock(shard->mutex);
      shard->index.clear();
      shard->entries.clear();
    }
  }

  [[nodiscard]] uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }
  [[nodiscard]] size_t capacity() const { return capacity_; }
  [[nodiscard]] size_t size() const {
    size_t total = 0;
    for (const auto& shard : shards_) {
      std::lock_guard lock(shard->mutex);
      total += shard->entries.size();
    }
    return total;
  }

 private:
  using Entry = std::pair<std::string, Value>;
  struct Shard {
    mutable std::mutex mutex;
    size_t capacity = 0;
    std::list<Entry> entries;  // most recently used first
    // Keys point into `entries`, whose nodes never move.
    std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index;
  };

  Shard& shard_of(std::string_view key) {
    // The maps hash the same key with the same function, so pick the shard from other bits.
    const uint64_t mixed = std::hash<std::string_view>{}(key)*0x9E3779B97F4A7C15ull;
    return *shards_[(mixed >> 32) % shards_.size()];
  }

  size_t capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<uint64_t> hits_{0}, misses_{0}, evictions_{0};
};

}  // namespace fp::server
