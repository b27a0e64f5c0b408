#pragma once
// A small thread-safe Redis client (hiredis, synchronous API) for the shared rate limits, the
// shared identity cache and cluster events. Redis is an accelerator, never a dependency: every
// caller has a local fallback, so the client's job is to fail fast.
//
// - Connections come from a small pool (one per concurrent caller, at most `max_connections`);
//   each is opened with `connect_timeout` and then reads and writes with `command_timeout`.
// - Circuit breaker: a transport failure (refused, reset, timeout, protocol error) marks the
//   client down and drops the pooled connections. While down, command() returns nullopt at once
//   without touching the network; after `retry_interval` exactly one caller tries again (its
//   connect and command are bounded by the two timeouts), the others still fail fast.
// - A pooled connection found closed by the server (a Redis restart, its idle timeout) is first
//   replaced by a fresh one and the command sent once more; a timeout is never retried. A
//   command may then run twice, which the callers here tolerate (one token more or less).
// - An error reply (-ERR, -NOSCRIPT ...) is an answer, not a failure: the server is up.
// - The password is sent with AUTH and never appears in an error, a log line or describe().
// No hiredis type appears here; replies are copied out into RedisReply.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fp::server {

// redis://[[user]:password@]host[:port][/db]; host may be [IPv6].
struct RedisUrl {
  std::string host;
  uint16_t port = 6379;
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECTed after connecting when not 0
};

inline constexpr size_t kMaxRedisUrlLength = 1024;
inline constexpr int kMaxRedisDb = 65535;

// nullopt and `error` (which never contains the password) when `text` is not such a URL: another
// scheme, a bad port or db, an empty host, a user name (Redis 6 ACL users are not supported),
// a query or fragment, longer than kMaxRedisUrlLength.
[[nodiscard]] std::optional<RedisUrl> parse_redis_url(std::string_view text,
                                                      std::string& error) noexcept;
// The URL with the password shown as "***": safe for logs.
[[nodiscard]] std::string describe(const RedisUrl& url);

struct RedisOptions {
  RedisUrl url;
  std::chrono::milliseconds connect_timeout{200};
  std::chrono::milliseconds command_timeout{100};
  std::chrono::milliseconds retry_interval{1000};
  size_t max_connections = 16;  // more concurrent callers fail fast (counted in busy())
};

// One reply, copied out of hiredis. `text` holds a string, status or error reply.
struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string text;
  int64_t integer = 0;
  std::vector<RedisReply> elements;

  [[nodiscard]] bool is_error() const { return type == Type::kError; }
  // An error reply whose code (its first word) is `code`, e.g. "NOSCRIPT".
  [[nodiscard]] bool is_error(std::string_view code) const;
};

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends one command (binary-safe arguments) and returns its reply; nullopt when the client is
  // down, every connection is busy, or the transport failed (which marks it down).
  [[nodiscard]] std::optional<RedisReply> command(const std::vector<std::string_view>& args);

  // True unless the last attempt failed and no later one has succeeded yet.
  [[nodiscard]] bool up() const noexcept { return up_.load(std::memory_order_acquire); }
  [[nodiscard]] uint64_t failures() const noexcept { return failures_.load(); }  // transport
  [[nodiscard]] uint64_t busy() const noexcept { return busy_.load(); }  // no connection left
  // Ends the wait for the retry interval: the next command tries at once (the cluster events
  // thread calls it when its own connection succeeded, which shows that Redis is back).
  void retry_now() noexcept { retry_at_ns_.store(0, std::memory_order_release); }
  // The last transport failure ("connection refused", "timeout" ...), for logs and /readyz.
  [[nodiscard]] std::string last_error() const;
  [[nodiscard]] const RedisOptions& options() const noexcept { return options_; }

 private:
  struct Connection;
  using ConnectionPtr = std::unique_ptr<Connection>;

  // A pooled connection, a new one, or null (down and not this caller's turn, or all busy).
  // `probe` says whether this caller is the one retrying after a failure, `reused` whether the
  // connection comes from the pool.
  ConnectionPtr acquire(bool& probe, bool& reused);
  // A new connection; null with `error` when connecting failed, null without when all are busy.
  ConnectionPtr open_new(std::string& error);
  void release(ConnectionPtr connection);
  // Closes `connection` (may be null) and, with `with_idle`, every pooled one.
  void discard(ConnectionPtr connection, bool with_idle);
  void fail(std::string reason);
  [[nodiscard]] bool may_try_now(bool& probe);

  RedisOptions options_;
  std::atomic<bool> up_{true};
  std::atomic<bool> probing_{false};  // one caller is retrying after the interval
  std::atomic<int64_t> retry_at_ns_{0};
  std::atomic<uint64_t> failures_{0}, busy_{0};
  mutable std::mutex mutex_;  // guards idle_, open_ and last_error_
  std::vector<ConnectionPtr> idle_;
  size_t open_ = 0;
  std::string last_error_;
};

}  // namespace fp::server
