#include "server/redis_client.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "redis_test_support.h"

namespace fp::server {
namespace {

using namespace std::chrono_literals;
using testing::BlackHole;
using testing::elapsed_ms;

std::optional<RedisUrl> parse(std::string_view text) {
  std::string error;
  return parse_redis_url(text, error);
}

TEST(RedisUrl, HostPortAndDefaults) {
  auto url = parse("redis://cache.internal");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "cache.internal");
  EXPECT_EQ(url->port, 6379);
  EXPECT_EQ(url->password, "");
  EXPECT_EQ(url->db, 0);
  url = parse("redis://127.0.0.1:7001/3");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 7001);
  EXPECT_EQ(url->db, 3);
  url = parse("redis://[::1]:6380");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 6380);
}

TEST(RedisUrl, PasswordIsDecodedAndNeverDescribed) {
  auto url = parse("redis://:s3cr%40t%3Aw0rd@10.0.0.5:6379/1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->password, "s3cr@t:w0rd");
  EXPECT_EQ(url->host, "10.0.0.5");
  EXPECT_EQ(url->db, 1);
  EXPECT_EQ(describe(*url), "redis://:***@10.0.0.5:6379/1");
  url = parse("redis://default:pw@h:1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->password, "pw");
  EXPECT_EQ(describe(*url), "redis://:***@h:1");
  EXPECT_EQ(describe(RedisUrl{"::1", 7000, "", 0}), "redis://[::1]:7000");
}

TEST(RedisUrl, BadUrlsAreRefusedWithoutRepeatingThePassword) {
  const std::string secret = "hunter2-TOPSECRET";
  for (const std::string& text : {
           std::string("http://localhost:6379"),
           std::string("redis://"),
           std::string("redis://:" + secret + "@"),
           std::string("redis://:" + secret + "@host:0"),
           std::string("redis://:" + secret + "@host:65536"),
           std::string("redis://:" + secret + "@host:port"),
           std::string("redis://:" + secret + "@host:6379/x"),
           std::string("redis://:" + secret + "@host:6379/70000"),
           std::string("redis://:" + secret + "%zz@host"),
           std::string("redis://alice:" + secret + "@host"),
           std::string("redis://" + secret + "@host"),
           std::string("redis://:" + secret + "@host?db=1"),
           std::string("redis://:" + secret + "@[::1"),
           std::string("redis://:" + secret + "@ho st"),
           std::string("redis://:" + secret + "@host:6379#x"),
           "redis://" + std::string(1100, 'a'),
       }) {
    std::string error;
    EXPECT_FALSE(parse_redis_url(text, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
    EXPECT_EQ(error.find(secret), std::string::npos) << error;
    EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
  }
}

TEST(RedisClient, CommandsAgainstARealServer) {
  FP_REQUIRE_REDIS(url);
  RedisClient client(testing::test_options(url));
  const std::string key = testing::unique_name("fp:test:client:");
  // Binary-safe arguments: NUL and CR LF inside a value survive the round trip.
  const std::string value("a\0b\r\nc", 6);
  auto set = client.command({"SET", key, value, "EX", "60"});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->type, RedisReply::Type::kStatus);
  EXPECT_EQ(set->text, "OK");
  auto get = client.command({"GET", key});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->type, RedisReply::Type::kString);
  EXPECT_EQ(get->text, value);
  auto missing = client.command({"GET", key + ":none"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->type, RedisReply::Type::kNil);
  auto incr = client.command({"INCR", key + ":n"});
  ASSERT_TRUE(incr);
  EXPECT_EQ(incr->type, RedisReply::Type::kInteger);
  EXPECT_EQ(incr->integer, 1);
  // An error reply is an answer: the client stays up.
  auto wrong = client.command({"INCR", key});
  ASSERT_TRUE(wrong);
  EXPECT_TRUE(wrong->is_error());
  EXPECT_TRUE(wrong->is_error("ERR"));
  EXPECT_FALSE(wrong->is_error("NOSCRIPT"));
  EXPECT_TRUE(client.up());
  EXPECT_EQ(client.failures(), 0u);
  (void)client.command({"DEL", key, key + ":n"});
}

TEST(RedisClient, ManyThreadsShareThePool) {
  FP_REQUIRE_REDIS(url);
  RedisOptions options = testing::test_options(url);
  options.max_connections = 4;
  RedisClient client(options);
  const std::string key = testing::unique_name("fp:test:pool:");
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (client.command({"INCR", key})) answered.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), 800);
  auto total = client.command({"GET", key});
  ASSERT_TRUE(total);
  EXPECT_EQ(total->text, "800");
  (void)client.command({"DEL", key});
}

TEST(RedisClient, RefusedConnectionMarksDownAndFailsFast) {
  RedisUrl url{"127.0.0.1", 1, "", 0};  // port 1: nothing listens there on a test machine
  RedisClient client(testing::test_options(url));
  EXPECT_FALSE(client.command({"PING"}));
  EXPECT_FALSE(client.up());
  EXPECT_EQ(client.failures(), 1u);
  EXPECT_FALSE(client.last_error().empty());
  // Within the retry interval nobody tries: no new failure is counted.
  EXPECT_FALSE(client.command({"PING"}));
  EXPECT_EQ(client.failures(), 1u);
}

TEST(RedisClient, HungServerCostsOneCommandTimeoutThenNothing) {
  BlackHole hole;
  ASSERT_NE(hole.port(), 0);
  RedisOptions options = testing::test_options(hole.url());
  options.command_timeout = 100ms;
  RedisClient client(options);
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.command({"PING"}));
  const double first = elapsed_ms(started);
  EXPECT_GE(first, 90);
  EXPECT_LT(first, 400);  // the budget plus scheduling slack on a busy 2-core machine
  EXPECT_FALSE(client.up());
  EXPECT_EQ(client.last_error(), "timeout");
  // While down, nobody waits at all.
  started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(client.command({"PING"}));
  EXPECT_LT(elapsed_ms(started), 20);
  // After the retry interval exactly one of many concurrent callers pays for the retry.
  std::this_thread::sleep_for(options.retry_interval + 20ms);
  std::atomic<int> slow{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&] {
      const auto begin = std::chrono::steady_clock::now();
      (void)client.command({"PING"});
      if (elapsed_ms(begin) > 50) slow.fetch_add(1);
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(slow.load(), 1);
  EXPECT_EQ(client.failures(), 2u);
}

TEST(RedisClient, WrongPasswordFailsWithoutShowingIt) {
  FP_REQUIRE_REDIS(url);
  RedisUrl with_password = url;
  with_password.password = "not-the-password-XYZZY";
  RedisClient client(testing::test_options(with_password));
  EXPECT_FALSE(client.command({"PING"}));
  EXPECT_FALSE(client.up());
  EXPECT_NE(client.last_error().find("AUTH"), std::string::npos) << client.last_error();
  EXPECT_EQ(client.last_error().find("XYZZY"), std::string::npos) << client.last_error();
}

TEST(RedisClient, DownWhileStoppedAndUpAgainAfterRestart) {
  FP_REQUIRE_REDIS(url);
  FP_REQUIRE_REDIS_CONTROL();
  RedisClient client(testing::test_options(url));
  ASSERT_TRUE(client.command({"PING"}));
  ASSERT_TRUE(testing::redis_control("stop"));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.command({"PING"}));  // the pooled connection finds the server gone
  EXPECT_LT(elapsed_ms(started), 300);
  EXPECT_FALSE(client.up());
  ASSERT_TRUE(testing::redis_control("start"));
  EXPECT_TRUE(testing::eventually([&] { return client.command({"PING"}).has_value(); }));
  EXPECT_TRUE(client.up());
}

TEST(RedisClient, PooledConnectionsOutliveARestart) {
  FP_REQUIRE_REDIS(url);
  FP_REQUIRE_REDIS_CONTROL();
  RedisClient client(testing::test_options(url));
  ASSERT_TRUE(client.command({"PING"}));  // one connection in the pool
  ASSERT_TRUE(testing::redis_control("restart"));
  // The pooled connection is dead; the client replaces it instead of calling Redis down (which
  // would send every replica to local limits for a retry interval after each restart).
  EXPECT_TRUE(client.command({"PING"}));
  EXPECT_TRUE(client.up());
  EXPECT_EQ(client.failures(), 0u);
}

}  // namespace
}  // namespace fp::server
