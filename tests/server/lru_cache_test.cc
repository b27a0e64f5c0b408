#include "server/lru_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace fp::server {
namespace {

TEST(LruCache, EvictsTheLeastRecentlyUsed) {
  LruCache<int> cache(3, 1);  // one shard: exact LRU order
  cache.put("a", 1);
  cache.put("b", 2);
  cache.put("c", 3);
  EXPECT_EQ(cache.get("a"), 1);  // a is now the most recent; b the least
  cache.put("d", 4);
  EXPECT_EQ(cache.get("b"), std::nullopt);
  EXPECT_EQ(cache.get("a"), 1);
  EXPECT_EQ(cache.get("c"), 3);
  EXPECT_EQ(cache.get("d"), 4);
  EXPECT_EQ(cache.evictions(), 1u);
  cache.put("e", 5);  // order now (oldest first): a c d -> a goes
  EXPECT_EQ(cache.get("a"), std::nullopt);
  EXPECT_EQ(cache.evictions(), 2u);
}

TEST(LruCache, PutReplacesAndRefreshes) {
  LruCache<std::string> cache(2, 1);
  cache.put("a", "one");
  cache.put("b", "two");
  cache.put("a", "uno");  // replaces, and makes a the most recent
  cache.put("c", "three");
  EXPECT_EQ(cache.get("a"), "uno");
  EXPECT_EQ(cache.get("b"), std::nullopt);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST(LruCache, NeverHoldsMoreThanItsCapacity) {
  for (size_t capacity : {1u, 5u, 16u, 17u, 100u}) {
    LruCache<int> cache(capacity);
    for (int i = 0; i < 1000; ++i) cache.put("key" + std::to_string(i), i);
    EXPECT_EQ(cache.size(), capacity);
    EXPECT_EQ(cache.evictions(), 1000u - capacity);
  }
}

TEST(LruCache, CountsHitsAndMisses) {
  LruCache<int> cache(10);
  EXPECT_EQ(cache.get("x"), std::nullopt);
  cache.put("x", 7);
  EXPECT_EQ(cache.get("x"), 7);
  EXPECT_EQ(cache.get("x"), 7);
  EXPECT_EQ(cache.get("y"), std::nullopt);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.evictions(), 0u);
}

TEST(LruCache, ClearEmptiesButKeepsCounters) {
  LruCache<int> cache(10);
  cache.put("x", 1);
  EXPECT_TRUE(cache.get("x"));
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.get("x"), std::nullopt);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(LruCache, CapacityZeroCachesNothing) {
  LruCache<int> cache(0);
  cache.put("x", 1);
  EXPECT_EQ(cache.get("x"), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.evictions(), 0u);
}

TEST(LruCache, ConcurrentUseKeepsCountsAndBound) {
  constexpr size_t kCapacity = 64;
  constexpr int kThreads = 4, kRounds = 5000;
  LruCache<std::string> cache(kCapacity);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string key = "k" + std::to_string((i * 7 + t) % 200);
        if (auto value = cache.get(key)) {
          EXPECT_EQ(*value, "v" + key);  // never a torn or mismatched value
        } else {
          cache.put(key, "v" + key);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(cache.hits() + cache.misses(), uint64_t{kThreads} * kRounds);
  EXPECT_LE(cache.size(), kCapacity);
}

}  // namespace
}  // namespace fp::server
