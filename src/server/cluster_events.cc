#include "server/cluster_events.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <climits>
#include <vector>

#include "server/metrics.h"
#include "server/redis_identity_cache.h"

namespace fp::server {
namespace json = boost::json;
namespace {

constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 5000;
// While an event waits to be published, the subscriber looks at it this often.
constexpr int kPendingRetryMs = 1000;

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

bool is_string_reply(const redisReply* r, std::string_view text) {
  return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) &&
         std::string_view(r->str, r->len) == text;
}

// A redisReply owned here; freed with freeReplyObject.
using ReplyPtr = std::unique_ptr<redisReply, void (*)(void*)>;

}  // namespace

std::string to_json(const ClusterEvent& event) {
  return json::serialize(
      json::object{{"kind", event.kind},
                   {"model", event.model.empty() ? json::value(nullptr) : json::value(event.model)},
                   {"origin", event.origin},
                   {"epoch", event.epoch}});
}

std::optional<ClusterEvent> parse_cluster_event(std::string_view text) noexcept {
  try {
    if (text.size() > kMaxClusterEventBytes) return std::nullopt;
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const json::object& o = value.get_object();
    const json::value* kind = o.if_contains("kind");
    const json::value* model = o.if_contains("model");
    const json::value* origin = o.if_contains("origin");
    const json::value* epoch = o.if_contains("epoch");
    if (!kind || !kind->is_string() || !origin || !origin->is_string() || !epoch) {
      return std::nullopt;
    }
    ClusterEvent event;
    event.kind = std::string(kind->get_string());
    if (event.kind != "profiles" && event.kind != "model") return std::nullopt;
    if (model && !model->is_null()) {
      if (!model->is_string()) return std::nullopt;
      event.model = std::string(model->get_string());
    }
    event.origin = std::string(origin->get_string());
    if (event.origin.size() > kMaxReplicaIdLength) return std::nullopt;
    if (epoch->is_uint64()) {
      event.epoch = epoch->get_uint64();
    } else if (epoch->is_int64() && epoch->get_int64() >= 0) {
      event.epoch = static_cast<uint64_t>(epoch->get_int64());
    } else {
      return std::nullopt;
    }
    return event;
  } catch (...) {  // std::bad_alloc
    return std::nullopt;
  }
}

std::string default_replica_id() {
  char host[HOST_NAME_MAX + 1] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "replica") + "-" + std::to_string(getpid());
}

struct ClusterEvents::Subscription {
  redisContext* context = nullptr;
  ~Subscription() {
    if (context) redisFree(context);
  }
};

ClusterEvents::ClusterEvents(RedisOptions options, RedisClient& client, std::string replica_id,
                             Handler handler, Metrics* metrics)
    : options_(std::move(options)),
      client_(client),
      replica_id_(std::move(replica_id)),
      handler_(std::move(handler)),
      metrics_(metrics) {
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
}

ClusterEvents::~ClusterEvents() {
  stop();
  for (int fd : wake_) {
    if (fd >= 0) close(fd);
  }
}

void ClusterEvents::start() {
  if (thread_.joinable() || wake_[0] < 0) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ClusterEvents::stop() {
  stopping_ = true;
  if (wake_[1] >= 0) {
    const char byte = 1;
    (void)!write(wake_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
}

bool ClusterEvents::pause(int ms) {
  pollfd wake{wake_[0], POLLIN, 0};
  const int ready = poll(&wake, 1, ms);
  (void)ready;
  return !stopping_;
}

void ClusterEvents::run() {
  int backoff = kFirstBackoffMs;
  while (!stopping_) {
    std::unique_ptr<Subscription> subscription = subscribe();
    if (!subscription) {
      if (!pause(backoff)) return;
      backoff = std::min(backoff * 2, kMaxBackoffMs);
      continue;
    }
    backoff = kFirstBackoffMs;
    const bool first = subscriptions_.fetch_add(1) == 0;
    subscribed_ = true;
    if (!client_.up()) {
      // Our own connection works, so Redis is back: the client need not wait for a request (or
      // the retry interval) to find out, and fp_redis_up turns 1 without traffic.
      client_.retry_now();
      (void)client_.command({"PING"});
    }
    retry_pending();
    ClusterEvent local;
    local.kind = first ? "connected" : "resync";
    local.origin = replica_id_;
    if (metrics_ && !first) metrics_->cluster_event("received", "resync");
    handler_(local);
    const bool keep_going = listen(*subscription);
    subscribed_ = false;
    if (!keep_going) return;
  }
}

std::unique_ptr<ClusterEvents::Subscription> ClusterEvents::subscribe() {
  auto subscription = std::make_unique<Subscription>();
  subscription->context = redisConnectWithTimeout(options_.url.host.c_str(), options_.url.port,
                                                  to_timeval(options_.connect_timeout));
  redisContext* c = subscription->context;
  if (!c || c->err || stopping_) return nullptr;
  fcntl(c->fd, F_SETFD, fcntl(c->fd, F_GETFD) | FD_CLOEXEC);
  redisSetTimeout(c, to_timeval(options_.command_timeout));
  redisEnableKeepAlive(c);
  const auto command = [c](std::vector<std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (std::string_view arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    return ReplyPtr(static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()),
                                                              argv.data(), lengths.data())),
                    freeReplyObject);
  };
  if (!options_.url.password.empty()) {
    ReplyPtr auth = command({"AUTH", options_.url.password});
    if (!auth || auth->type == REDIS_REPLY_ERROR) return nullptr;
  }
  // Pub/sub ignores the database number: no SELECT needed.
  ReplyPtr reply = command({"SUBSCRIBE", kClusterEventsChannel});
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
      !is_string_reply(reply->element[0], "subscribe")) {
    return nullptr;
  }
  return subscription;
}

bool ClusterEvents::listen(Subscription& subscription) {
  redisContext* c = subscription.context;
  while (!stopping_) {
    // Replies already read come first; then wait for the socket (or stop()).
    void* raw = nullptr;
    if (redisGetReplyFromReader(c, &raw) != REDIS_OK) return true;  // protocol error: reconnect
    if (raw) {
      ReplyPtr reply(static_cast<redisReply*>(raw), freeReplyObject);
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
          is_string_reply(reply->element[0], "message") &&
          reply->element[2]->type == REDIS_REPLY_STRING) {
        deliver(std::string_view(reply->element[2]->str, reply->element[2]->len));
      }
      continue;
    }
    pollfd fds[2] = {{c->fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    bool pending = false;
    {
      std::lock_guard lock(pending_mutex_);
      pending = pending_.has_value();
    }
    const int ready = poll(fds, 2, pending ? kPendingRetryMs : -1);
    if (stopping_) return false;
    if (ready < 0 && errno != EINTR) return true;
    if (ready == 0) retry_pending();
    if (fds[0].revents != 0 && redisBufferRead(c) != REDIS_OK) return true;  // closed: reconnect
  }
  return false;
}

void ClusterEvents::deliver(std::string_view payload) {
  std::optional<ClusterEvent> event = parse_cluster_event(payload);
  if (!event) {
    invalid_.fetch_add(1);
    return;
  }
  received_.fetch_add(1);
  if (metrics_) metrics_->cluster_event("received", event->kind);
  handler_(*event);
}

std::optional<uint64_t> ClusterEvents::send(const ClusterEvent& event) {
  auto epoch = client_.command({"INCR", kCacheEpochKey});
  if (!epoch || epoch->type != RedisReply::Type::kInteger || epoch->integer < 0) {
    return std::nullopt;
  }
  ClusterEvent stamped = event;
  stamped.epoch = static_cast<uint64_t>(epoch->integer);
  auto sent = client_.command({"PUBLISH", kClusterEventsChannel, to_json(stamped)});
  if (!sent || sent->type != RedisReply::Type::kInteger) return std::nullopt;
  return stamped.epoch;
}

std::optional<uint64_t> ClusterEvents::publish(std::string_view kind, std::string_view model) {
  ClusterEvent event;
  event.kind = std::string(kind);
  event.model = std::string(model);
  event.origin = replica_id_;
  const std::optional<uint64_t> sent = send(event);
  if (metrics_) metrics_->cluster_event(sent ? "published" : "publish_failed", kind);
  if (sent) {
    published_.fetch_add(1);
  } else {
    std::lock_guard lock(pending_mutex_);
    pending_ = std::move(event);  // every replica rebuilds everything: the latest one suffices
  }
  return sent;
}

void ClusterEvents::retry_pending() {
  std::optional<ClusterEvent> event;
  {
    std::lock_guard lock(pending_mutex_);
    event.swap(pending_);
  }
  if (!event) return;
  if (send(*event).has_value()) {
    published_.fetch_add(1);
    if (metrics_) metrics_->cluster_event("published", event->kind);
    return;
  }
  std::lock_guard lock(pending_mutex_);
  if (!pending_) pending_ = std::move(event);
}

}  // namespace fp::server
