#include "server/cluster_events.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "redis_test_support.h"
#include "server/redis_identity_cache.h"

namespace fp::server {
namespace {

using namespace std::chrono_literals;
using testing::elapsed_ms;

TEST(ClusterEventsMessage, RoundTrip) {
  ClusterEvent event{"model", "xgb-2024", "replica-a-123", 17};
  const std::string text = to_json(event);
  EXPECT_EQ(text, R"({"kind":"model","model":"xgb-2024","origin":"replica-a-123","epoch":17})");
  auto back = parse_cluster_event(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, "model");
  EXPECT_EQ(back->model, "xgb-2024");
  EXPECT_EQ(back->origin, "replica-a-123");
  EXPECT_EQ(back->epoch, 17u);
  EXPECT_EQ(to_json(ClusterEvent{"profiles", "", "r", 0}),
            R"({"kind":"profiles","model":null,"origin":"r","epoch":0})");
}

TEST(ClusterEventsMessage, RejectsWhatIsNotOurs) {
  for (const std::string& text : {
           std::string(""),
           std::string("null"),
           std::string("[]"),
           std::string(R"({"kind":"profiles","origin":"r"})"),
           std::string(R"({"kind":"flush","origin":"r","epoch":1})"),
           std::string(R"({"kind":"model","model":7,"origin":"r","epoch":1})"),
           std::string(R"({"kind":"profiles","origin":5,"epoch":1})"),
           std::string(R"({"kind":"profiles","origin":"r","epoch":-1})"),
           std::string(R"({"kind":"profiles","origin":"r","epoch":1.5})"),
           std::string(R"({"kind":"profiles","origin":"r","epoch":"1"})"),
           R"({"kind":"profiles","origin":")" + std::string(257, 'r') + R"(","epoch":1})",
           R"({"kind":"profiles","origin":"r","epoch":1,"pad":")" + std::string(5000, ' ') +
               R"("})",
           std::string(R"({"kind":"profiles","origin":"r","epoch":1)"),
       }) {
    EXPECT_FALSE(parse_cluster_event(text)) << text;
  }
  auto extra = parse_cluster_event(R"({"kind":"profiles","origin":"r","epoch":2,"new":{}})");
  ASSERT_TRUE(extra);
  EXPECT_EQ(extra->epoch, 2u);
}

TEST(ClusterEventsMessage, DefaultReplicaIdNamesHostAndProcess) {
  const std::string id = default_replica_id();
  EXPECT_NE(id.find("-" + std::to_string(getpid())), std::string::npos) << id;
}

// Collects what a replica's handler receives.
class Inbox {
 public:
  void operator()(const ClusterEvent& event) {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    cv_.notify_all();
  }
  // The first event of `kind` not taken yet, waiting up to `limit`.
  std::optional<ClusterEvent> take(const std::string& kind, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    std::optional<ClusterEvent> found;
    cv_.wait_for(lock, limit, [&] {
      for (auto it = events_.begin(); it != events_.end(); ++it) {
        if (it->kind == kind) {
          found = *it;
          events_.erase(it);
          return true;
        }
      }
      return false;
    });
    return found;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<ClusterEvent> events_;
};

struct Replica {
  Replica(const RedisUrl& url, const std::string& id)
      : client(testing::test_options(url)),
        events(testing::test_options(url), client, id,
               [this](const ClusterEvent& e) { inbox(e); }) {
    events.start();
  }
  RedisClient client;
  Inbox inbox;
  ClusterEvents events;
};

TEST(ClusterEvents, ChangeReachesEveryReplicaWithTheNewEpoch) {
  FP_REQUIRE_REDIS(url);
  Replica a(url, "replica-a"), b(url, "replica-b");
  ASSERT_TRUE(a.inbox.take("connected"));
  ASSERT_TRUE(b.inbox.take("connected"));
  auto before = a.client.command({"GET", kCacheEpochKey});
  ASSERT_TRUE(before);
  const uint64_t epoch = before->type == RedisReply::Type::kNil ? 0 : std::stoull(before->text);
  const auto started = std::chrono::steady_clock::now();
  const std::optional<uint64_t> stamped = a.events.publish("model", "m-2");
  ASSERT_TRUE(stamped.has_value());
  EXPECT_EQ(*stamped, epoch + 1);
  auto at_b = b.inbox.take("model");
  const double latency = elapsed_ms(started);
  ASSERT_TRUE(at_b);
  EXPECT_EQ(at_b->model, "m-2");
  EXPECT_EQ(at_b->origin, "replica-a");
  EXPECT_EQ(at_b->epoch, epoch + 1);
  EXPECT_LT(latency, 1000);           // pub/sub, not a timer
  auto at_a = a.inbox.take("model");  // the origin hears its own change too
  ASSERT_TRUE(at_a);
  EXPECT_EQ(at_a->epoch, epoch + 1);
  ASSERT_TRUE(b.events.publish("profiles", "").has_value());
  auto profiles = a.inbox.take("profiles");
  ASSERT_TRUE(profiles);
  EXPECT_EQ(profiles->origin, "replica-b");
  EXPECT_EQ(profiles->epoch, epoch + 2);
  EXPECT_EQ(a.events.published(), 1u);
  EXPECT_GE(a.events.received(), 2u);
}

TEST(ClusterEvents, ForeignMessagesAreCountedAndIgnored) {
  FP_REQUIRE_REDIS(url);
  Replica a(url, "replica-a");
  ASSERT_TRUE(a.inbox.take("connected"));
  ASSERT_TRUE(a.client.command({"PUBLISH", kClusterEventsChannel, "{\"kind\":\"drop-tables\"}"}));
  ASSERT_TRUE(a.client.command({"PUBLISH", kClusterEventsChannel, std::string(10000, '{')}));
  EXPECT_TRUE(testing::eventually([&] { return a.events.invalid() == 2; }, 2s));
  EXPECT_EQ(a.events.received(), 0u);
}

TEST(ClusterEvents, StopIsPrompt) {
  FP_REQUIRE_REDIS(url);
  Replica a(url, "replica-a");
  ASSERT_TRUE(a.inbox.take("connected"));
  const auto started = std::chrono::steady_clock::now();
  a.events.stop();
  EXPECT_LT(elapsed_ms(started), 100);
  EXPECT_FALSE(a.events.subscribed());
}

TEST(ClusterEvents, StopIsPromptWhileRedisHangs) {
  testing::BlackHole hole;
  RedisClient client(testing::test_options(hole.url()));
  ClusterEvents events(testing::test_options(hole.url()), client, "r", [](const ClusterEvent&) {});
  events.start();
  std::this_thread::sleep_for(250ms);  // connecting, SUBSCRIBE timing out, backing off
  const auto started = std::chrono::steady_clock::now();
  events.stop();
  EXPECT_LT(elapsed_ms(started), 350);  // at most one connect or command timeout
  EXPECT_FALSE(events.subscribed());
}

TEST(ClusterEvents, ResyncAfterReconnectAndPendingChangePublished) {
  FP_REQUIRE_REDIS(url);
  FP_REQUIRE_REDIS_CONTROL();
  Replica a(url, "replica-a"), b(url, "replica-b");
  ASSERT_TRUE(a.inbox.take("connected"));
  ASSERT_TRUE(b.inbox.take("connected"));
  ASSERT_TRUE(testing::redis_control("stop"));
  EXPECT_TRUE(testing::eventually([&] { return !a.events.subscribed(); }, 5s));
  // A change made while Redis is away is kept and announced when it is back.
  EXPECT_FALSE(a.events.publish("profiles", "").has_value());
  ASSERT_TRUE(testing::redis_control("start"));
  EXPECT_TRUE(b.inbox.take("resync", 10s));  // events may have been missed: rebuild once
  // B's client failed nothing (it sent no command) or is up again without any traffic.
  EXPECT_TRUE(testing::eventually([&] { return a.client.up() && b.client.up(); }, 2s));
  EXPECT_TRUE(a.inbox.take("resync", 10s));
  // Published once A is subscribed again (B may or may not be yet: its resync covers it).
  auto late = a.inbox.take("profiles", 10s);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->origin, "replica-a");
  EXPECT_EQ(late->epoch, 1u);  // the restarted Redis had no epoch
  EXPECT_EQ(a.events.published(), 1u);
}

}  // namespace
}  // namespace fp::server
