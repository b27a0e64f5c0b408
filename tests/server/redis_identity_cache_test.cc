#include "server/redis_identity_cache.h"

#include <gtest/gtest.h>

#include "redis_test_support.h"

namespace fp::server {
namespace {

CachedIdentity sample() {
  CachedIdentity c;
  c.json = R"({"client":{"name":"Chrome","version":"131"},"note":"quote \" and \u00e9"})";
  c.client = "Chrome";
  c.client_version = "131";
  c.tls_library = "BoringSSL";
  c.os = "Linux";
  c.matched_by = "exact";
  c.profile = "chrome-131-linux";
  c.client_confidence = 0.97;
  c.quality = 0.5;
  return c;
}

void expect_equal(const CachedIdentity& a, const CachedIdentity& b) {
  EXPECT_EQ(a.json, b.json);
  EXPECT_EQ(a.client, b.client);
  EXPECT_EQ(a.client_version, b.client_version);
  EXPECT_EQ(a.tls_library, b.tls_library);
  EXPECT_EQ(a.os, b.os);
  EXPECT_EQ(a.matched_by, b.matched_by);
  EXPECT_EQ(a.profile, b.profile);
  EXPECT_EQ(a.client_confidence, b.client_confidence);
  EXPECT_EQ(a.quality, b.quality);
}

TEST(RedisIdentityCache, JsonRoundTrip) {
  auto back = identity_from_json(identity_to_json(sample()));
  ASSERT_TRUE(back);
  expect_equal(*back, sample());
  auto empty = identity_from_json(identity_to_json(CachedIdentity{}));
  ASSERT_TRUE(empty);
  expect_equal(*empty, CachedIdentity{});
}

TEST(RedisIdentityCache, ForeignValuesAreMisses) {
  const std::string good = identity_to_json(sample());
  EXPECT_FALSE(identity_from_json(""));
  EXPECT_FALSE(identity_from_json("not json"));
  EXPECT_FALSE(identity_from_json("[]"));
  EXPECT_FALSE(identity_from_json("{}"));
  EXPECT_FALSE(identity_from_json(R"({"identity":1,"client":"","client_version":"",)"
                                  R"("tls_library":"","os":"","matched_by":"","profile":"",)"
                                  R"("client_confidence":0,"quality":0})"));
  EXPECT_FALSE(identity_from_json(R"({"identity":"","client":"","client_version":"",)"
                                  R"("tls_library":"","os":"","matched_by":"","profile":"",)"
                                  R"("client_confidence":"0.9","quality":0})"));
  EXPECT_TRUE(identity_from_json(R"({"identity":"","client":"","client_version":"",)"
                                 R"("tls_library":"","os":"","matched_by":"","profile":"",)"
                                 R"("client_confidence":0.9,"quality":0})"));
  std::string huge = good;
  huge.insert(huge.size() - 1, ",\"pad\":\"" + std::string(kMaxSharedIdentityBytes, 'a') + "\"");
  EXPECT_FALSE(identity_from_json(huge));
  EXPECT_TRUE(identity_from_json(good.substr(0, good.size() - 1) + ",\"future\":[1,2]}"));
}

TEST(RedisIdentityCache, KeyIsEpochAndSha256OfTheCacheKey) {
  // SHA-256("abc") from FIPS 180-2, appendix B.1.
  EXPECT_EQ(SharedIdentityCache::key(7, "abc"),
            "fp:id:7:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RedisIdentityCache, SharedBetweenReplicasUnderOneEpoch) {
  FP_REQUIRE_REDIS(url);
  RedisClient redis_a(testing::test_options(url)), redis_b(testing::test_options(url));
  SharedIdentityCache a(redis_a, std::chrono::seconds(120)), b(redis_b, std::chrono::seconds(120));
  const std::string cache_key = testing::unique_name("observation\x1f");
  const uint64_t epoch = 1000;
  EXPECT_FALSE(b.get(cache_key, epoch));
  a.put(cache_key, epoch, sample());
  auto hit = b.get(cache_key, epoch);
  ASSERT_TRUE(hit);
  expect_equal(*hit, sample());
  EXPECT_FALSE(b.get(cache_key, epoch + 1));  // a change moves everybody to new keys
  auto ttl = redis_a.command({"TTL", SharedIdentityCache::key(epoch, cache_key)});
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer, 100);
  EXPECT_LE(ttl->integer, 120);
  (void)redis_a.command({"DEL", SharedIdentityCache::key(epoch, cache_key)});
}

TEST(RedisIdentityCache, EpochIsReadFromRedis) {
  FP_REQUIRE_REDIS(url);
  RedisClient redis(testing::test_options(url));
  SharedIdentityCache cache(redis, std::chrono::seconds(60));
  EXPECT_FALSE(cache.epoch());
  ASSERT_TRUE(redis.command({"SET", kCacheEpochKey, "41"}));
  auto usable = cache.usable_epoch();  // unknown: read once
  ASSERT_TRUE(usable);
  EXPECT_EQ(*usable, 41u);
  ASSERT_TRUE(redis.command({"INCR", kCacheEpochKey}));
  EXPECT_EQ(cache.usable_epoch(), 41u);  // known: not read on every request
  EXPECT_TRUE(cache.refresh_epoch());
  EXPECT_EQ(cache.epoch(), 42u);
  ASSERT_TRUE(redis.command({"DEL", kCacheEpochKey}));
  EXPECT_TRUE(cache.refresh_epoch());
  EXPECT_EQ(cache.epoch(), 0u);  // a fresh Redis: epoch 0
  ASSERT_TRUE(redis.command({"SET", kCacheEpochKey, "junk"}));
  EXPECT_FALSE(cache.refresh_epoch());
  EXPECT_FALSE(cache.epoch());  // unknown: the shared level is not used
  (void)redis.command({"DEL", kCacheEpochKey});
}

TEST(RedisIdentityCache, UnusableWhileRedisIsDown) {
  testing::BlackHole hole;
  RedisClient redis(testing::test_options(hole.url()));
  SharedIdentityCache cache(redis, std::chrono::seconds(60));
  cache.set_epoch(3);
  EXPECT_FALSE(cache.get("k", 3));  // times out: down
  EXPECT_FALSE(redis.up());
  EXPECT_FALSE(cache.usable_epoch());
}

}  // namespace
}  // namespace fp::server
