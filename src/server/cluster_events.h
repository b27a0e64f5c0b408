#pragma once
// Profile and model changes announced to every replica over Redis pub/sub (channel fp:events),
// so that a change made through one replica reaches all of them at once, not on a timer.
//
// publish(): INCR fp:cache:epoch (every replica's shared-cache keys move on), then PUBLISH
// {"kind":"profiles"|"model","model":ID|null,"origin":REPLICA_ID,"epoch":N}. When Redis cannot
// be reached the event is kept (the latest one) and the subscriber thread publishes it as soon
// as Redis answers again: a change is announced late rather than never.
//
// The subscriber thread holds its own blocking connection (SUBSCRIBE), reconnects with back-off
// (100 ms doubling to 5 s), and calls the handler for every valid message (the origin's own
// too), with a synthetic {"kind":"connected"} after its first subscription and {"kind":"resync"}
// after every later one (events may have been missed meanwhile). Handlers run on that thread,
// one at a time. stop() returns within the connect or command timeout. A successful subscription
// also brings the publishing client back up at once when it was down.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "server/redis_client.h"

namespace fp::server {

class Metrics;

inline constexpr std::string_view kClusterEventsChannel = "fp:events";
inline constexpr size_t kMaxClusterEventBytes = 4096;  // larger messages are not ours
inline constexpr size_t kMaxReplicaIdLength = 256;

struct ClusterEvent {
  std::string kind;    // "profiles" | "model" on the wire; "connected" | "resync" locally
  std::string model;   // the model activated ("" for profiles)
  std::string origin;  // replica id of the sender
  uint64_t epoch = 0;  // fp:cache:epoch after the sender's INCR
};

// The message text, and its parser: nullopt unless `text` is a JSON object with kind "profiles"
// or "model", a string (or null) model, a string origin of at most kMaxReplicaIdLength
// characters, a non-negative integer epoch; at most kMaxClusterEventBytes. Unknown members are
// ignored (a newer replica may add some).
[[nodiscard]] std::string to_json(const ClusterEvent& event);
[[nodiscard]] std::optional<ClusterEvent> parse_cluster_event(std::string_view text) noexcept;

// The default replica id: hostname + "-" + pid.
[[nodiscard]] std::string default_replica_id();

class ClusterEvents {
 public:
  using Handler = std::function<void(const ClusterEvent&)>;

  // `client` publishes (and must outlive this object); the subscriber connects with `options`.
  ClusterEvents(RedisOptions options, RedisClient& client, std::string replica_id, Handler handler,
                Metrics* metrics = nullptr);
  ~ClusterEvents();  // stop()
  ClusterEvents(const ClusterEvents&) = delete;
  ClusterEvents& operator=(const ClusterEvents&) = delete;

  void start();
  void stop();

  // Announces a change (when Redis cannot be reached, the event is kept pending). The epoch the
  // change was stamped with, so the caller can move its own shared-cache keys at once (its
  // subscriber hears the event a moment later); nullopt when Redis could not be reached.
  std::optional<uint64_t> publish(std::string_view kind, std::string_view model);

  [[nodiscard]] bool subscribed() const noexcept { return subscribed_.load(); }
  [[nodiscard]] const std::string& replica_id() const noexcept { return replica_id_; }
  [[nodiscard]] uint64_t received() const noexcept { return received_.load(); }
  [[nodiscard]] uint64_t invalid() const noexcept { return invalid_.load(); }
  [[nodiscard]] uint64_t published() const noexcept { return published_.load(); }
  [[nodiscard]] uint64_t subscriptions() const noexcept { return subscriptions_.load(); }

 private:
  struct Subscription;

  void run();
  // Connects and subscribes; null when it failed or stop() was called.
  [[nodiscard]] std::unique_ptr<Subscription> subscribe();
  // Reads messages until the connection fails or stop(); false when stopping.
  bool listen(Subscription& subscription);
  // Sleeps up to `ms` or until stop(); false when stopping.
  bool pause(int ms);
  void deliver(std::string_view payload);
  std::optional<uint64_t> send(const ClusterEvent& event);
  void retry_pending();

  RedisOptions options_;
  RedisClient& client_;
  std::string replica_id_;
  Handler handler_;
  Metrics* metrics_;
  int wake_[2] = {-1, -1};  // a pipe: stop() writes, the thread's poll() wakes
  std::atomic<bool> stopping_{false}, subscribed_{false};
  std::atomic<uint64_t> received_{0}, invalid_{0}, published_{0}, subscriptions_{0};
  std::mutex pending_mutex_;
  std::optional<ClusterEvent> pending_;
  std::thread thread_;
};

}  // namespace fp::server
