// The redis.* and cluster.* settings of `fingerprint serve`.
#include <gtest/gtest.h>

#include "server/config.h"

namespace fp::server {
namespace {

TEST(RedisConfig, DefaultsAreAllLocal) {
  std::string error;
  auto config = load_config("", {}, error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->redis_url, "");
  EXPECT_EQ(config->redis_cache_ttl.count(), 3600);
  EXPECT_EQ(config->redis_connect_timeout.count(), 200);
  EXPECT_EQ(config->redis_command_timeout.count(), 100);
  EXPECT_EQ(config->replica_id, "");
}

TEST(RedisConfig, FromEnvironment) {
  std::string error;
  auto config = load_config("",
                            {{"FP_REDIS_URL", "redis://:pw@10.1.2.3:6380/2"},
                             {"FP_REDIS_CACHE_TTL_SECONDS", "60"},
                             {"FP_REDIS_CONNECT_TIMEOUT_MS", "50"},
                             {"FP_REDIS_COMMAND_TIMEOUT_MS", "20"},
                             {"FP_CLUSTER_REPLICA_ID", "eu-west-1a-3"}},
                            error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->redis_url, "redis://:pw@10.1.2.3:6380/2");
  EXPECT_EQ(config->redis_cache_ttl.count(), 60);
  EXPECT_EQ(config->redis_connect_timeout.count(), 50);
  EXPECT_EQ(config->redis_command_timeout.count(), 20);
  EXPECT_EQ(config->replica_id, "eu-west-1a-3");
}

TEST(RedisConfig, BadValuesNameTheKeyAndNeverThePassword) {
  const std::string secret = "Sup3rSecretPw";
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"FP_REDIS_URL", "redis://:" + secret + "@host:99999"},
           {"FP_REDIS_URL", "rediss://:" + secret + "@host"},
           {"FP_REDIS_URL", "redis://bob:" + secret + "@host"},
           {"FP_REDIS_COMMAND_TIMEOUT_MS", "0"},
           {"FP_REDIS_COMMAND_TIMEOUT_MS", "10001"},
           {"FP_REDIS_CONNECT_TIMEOUT_MS", "x"},
           {"FP_REDIS_CACHE_TTL_SECONDS", "0"},
           {"FP_CLUSTER_REPLICA_ID", "has space"},
           {"FP_CLUSTER_REPLICA_ID", std::string(257, 'r')},
           {"FP_REDIS_URLS", "redis://h"},
       }) {
    std::string error;
    EXPECT_FALSE(load_config("", {{name, value}}, error)) << name << "=" << value;
    EXPECT_EQ(error.rfind(name, 0), 0u) << error;
    EXPECT_EQ(error.find(secret), std::string::npos) << error;
  }
}

TEST(RedisConfig, HelpShowsNoPassword) {
  for (const ConfigKey& key : config_keys()) {
    if (key.path == "redis.url") {
      EXPECT_EQ(key.env, "FP_REDIS_URL");
      EXPECT_EQ(key.default_value, "");
      return;
    }
  }
  ADD_FAILURE() << "redis.url is not among the settable keys";
}

}  // namespace
}  // namespace fp::server
