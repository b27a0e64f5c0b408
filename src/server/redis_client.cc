#include "server/redis_client.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cctype>
#include <charconv>

namespace fp::server {
namespace {

constexpr std::string_view kScheme = "redis://";
constexpr size_t kMaxHostLength = 253;  // a DNS name
constexpr size_t kMaxReplyDepth = 8;    // our scripts return flat arrays

// The number that is the whole text, in [0, max], or nullopt.
std::optional<int> small_number(std::string_view text, int max) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX-decoding of the password (the URL cannot carry '@', ':' or '/' in it otherwise).
std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (text.size() - i < 3) return std::nullopt;
    const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

bool valid_host(std::string_view host, bool bracketed) {
  if (host.empty() || host.size() > kMaxHostLength) return false;
  for (char c : host) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                    (bracketed && (c == ':' || c == '%'));
    if (!ok) return false;
  }
  return true;
}

// "host[:port]" or "[v6][:port]" into `url`; "" or the problem.
std::string parse_host_port(std::string_view text, RedisUrl& url) {
  std::string_view host = text;
  std::optional<std::string_view> port;
  const bool bracketed = !text.empty() && text.front() == '[';
  if (bracketed) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return "an IPv6 host needs a closing ]";
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "unexpected text after the IPv6 host";
    if (!rest.empty()) port = rest.substr(1);
  } else if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (!valid_host(host, bracketed)) return "a missing or bad host";
  url.host = std::string(host);
  if (port) {
    auto number = small_number(*port, 65535);
    if (!number || *number == 0) return "the port is not a number in 1..65535";
    url.port = static_cast<uint16_t>(*number);
  }
  return {};
}

// "[user]:password" into `url`; "" or the problem (never quoting the text).
std::string parse_user_info(std::string_view text, RedisUrl& url) {
  const size_t colon = text.find(':');
  const std::string_view user = text.substr(0, colon);
  if (!user.empty() && user != "default") return "user names other than default are not supported";
  if (colon == std::string_view::npos) return "the password must follow a colon (:password@)";
  auto password = percent_decoded(text.substr(colon + 1));
  if (!password) return "a bad %-escape in the password";
  url.password = std::move(*password);
  return {};
}

std::string parse_url(std::string_view text, RedisUrl& url) {
  if (text.size() > kMaxRedisUrlLength) return "longer than 1024 characters";
  if (text.substr(0, kScheme.size()) != kScheme) return "expected redis://";
  std::string_view rest = text.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) return "no query or fragment allowed";
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    auto db = small_number(rest.substr(slash + 1), kMaxRedisDb);
    if (!db) return "the database is not a number in 0..65535";
    url.db = *db;
  }
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string problem = parse_user_info(authority.substr(0, at), url);
    if (!problem.empty()) return problem;
    authority = authority.substr(at + 1);
  }
  return parse_host_port(authority, url);
}

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RedisReply copy_reply(const redisReply& in, size_t depth) {
  RedisReply out;
  switch (in.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = in.type == REDIS_REPLY_STRING   ? RedisReply::Type::kString
                 : in.type == REDIS_REPLY_STATUS ? RedisReply::Type::kStatus
                                                 : RedisReply::Type::kError;
      out.text.assign(in.str, in.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = in.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      if (depth >= kMaxReplyDepth) break;
      for (size_t i = 0; i < in.elements; ++i) {
        out.elements.push_back(copy_reply(*in.element[i], depth + 1));
      }
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

// Runs one command on `context`; nullopt and `error` on a transport failure.
std::optional<RedisReply> run(redisContext* context, const std::vector<std::string_view>& args,
                              std::string& error) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (reply == nullptr) {
    // hiredis reports a read timeout as an I/O error with EAGAIN's text.
    error = context->err ? context->errstr : "no reply";
    if (error.find("temporarily unavailable") != std::string::npos) error = "timeout";
    return std::nullopt;
  }
  RedisReply copy = copy_reply(*reply, 0);
  freeReplyObject(reply);
  return copy;
}

}  // namespace

bool RedisReply::is_error(std::string_view code) const {
  if (type != Type::kError || text.size() < code.size()) return false;
  return text.compare(0, code.size(), code) == 0 &&
         (text.size() == code.size() || text[code.size()] == ' ');
}

std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string& error) noexcept {
  try {
    RedisUrl url;
    error = parse_url(text, url);
    if (!error.empty()) return std::nullopt;
    return url;
  } catch (...) {  // only std::bad_alloc can come out of the parser
    error = "out of memory";
    return std::nullopt;
  }
}

std::string describe(const RedisUrl& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  std::string out(kScheme);
  if (!url.password.empty()) out += ":***@";
  out += ipv6 ? "[" + url.host + "]" : url.host;
  out += ":" + std::to_string(url.port);
  if (url.db != 0) out += "/" + std::to_string(url.db);
  return out;
}

struct RedisClient::Connection {
  redisContext* context = nullptr;
  ~Connection() {
    if (context) redisFree(context);
  }
};

namespace {

// A ready connection (connected, authenticated, database selected) or null and `error`.
std::unique_ptr<redisContext, void (*)(redisContext*)> open_context(const RedisOptions& options,
                                                                    std::string& error) {
  std::unique_ptr<redisContext, void (*)(redisContext*)> context(
      redisConnectWithTimeout(options.url.host.c_str(), options.url.port,
                              to_timeval(options.connect_timeout)),
      redisFree);
  if (!context) {
    error = "cannot allocate a connection";
    return context;
  }
  if (context->err) {
    error = context->errstr;
    context.reset();
    return context;
  }
  // A forked child (a test, a helper) must not inherit the connection.
  fcntl(context->fd, F_SETFD, fcntl(context->fd, F_GETFD) | FD_CLOEXEC);
  redisSetTimeout(context.get(), to_timeval(options.command_timeout));
  const auto step = [&](std::vector<std::string_view> args, std::string_view what) {
    auto reply = run(context.get(), args, error);
    if (reply && reply->is_error()) error = std::string(what) + ": " + reply->text;
    return reply && !reply->is_error();
  };
  if (!options.url.password.empty() && !step({"AUTH", options.url.password}, "AUTH")) {
    context.reset();
    return context;
  }
  if (options.url.db != 0) {
    const std::string db = std::to_string(options.url.db);
    if (!step({"SELECT", db}, "SELECT")) context.reset();
  }
  return context;
}

}  // namespace

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {}

RedisClient::~RedisClient() = default;

bool RedisClient::may_try_now(bool& probe) {
  probe = false;
  if (up()) return true;
  if (steady_ns() < retry_at_ns_.load(std::memory_order_acquire)) return false;
  probe = !probing_.exchange(true);  // exactly one caller probes
  return probe;
}

RedisClient::ConnectionPtr RedisClient::acquire(bool& probe, bool& reused) {
  reused = false;
  if (!may_try_now(probe)) return nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      ConnectionPtr connection = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      return connection;
    }
  }
  std::string error;
  ConnectionPtr connection = open_new(error);
  if (!connection && !error.empty()) fail(error);
  if (!connection && probe) probing_.store(false);
  return connection;
}

RedisClient::ConnectionPtr RedisClient::open_new(std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (open_ >= options_.max_connections) {
      busy_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;  // no error: Redis is not at fault
    }
    ++open_;
  }
  auto context = open_context(options_, error);
  if (!context) {
    std::lock_guard lock(mutex_);
    --open_;
    return nullptr;
  }
  auto connection = std::make_unique<Connection>();
  connection->context = context.release();
  return connection;
}

void RedisClient::release(ConnectionPtr connection) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

void RedisClient::discard(ConnectionPtr connection, bool with_idle) {
  std::vector<ConnectionPtr> dropped;  // closed outside the lock
  {
    std::lock_guard lock(mutex_);
    if (connection) --open_;
    if (with_idle) {
      dropped.swap(idle_);
      open_ -= dropped.size();
    }
  }
  connection.reset();
}

void RedisClient::fail(std::string reason) {
  discard(nullptr, true);
  {
    std::lock_guard lock(mutex_);
    last_error_ = std::move(reason);
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  const auto interval =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.retry_interval);
  retry_at_ns_.store(steady_ns() + interval.count(), std::memory_order_release);
  up_.store(false, std::memory_order_release);
  probing_.store(false, std::memory_order_release);
}

std::optional<RedisReply> RedisClient::command(const std::vector<std::string_view>& args) {
  bool probe = false, reused = false;
  ConnectionPtr connection = acquire(probe, reused);
  if (!connection) return std::nullopt;
  std::string error;
  std::optional<RedisReply> reply = run(connection->context, args, error);
  if (!reply && reused && error != "timeout") {
    // A pooled connection the server closed meanwhile (a restart, its idle timeout); the rest
    // of the pool is as old. Once more on a fresh connection before calling Redis down. (A
    // timeout is not retried: that would double the wait.)
    discard(std::move(connection), true);
    connection = open_new(error);
    if (connection) reply = run(connection->context, args, error);
  }
  if (!reply) {
    // A connection's state is unknown after a failure (a late reply would answer the next
    // command): it is closed, never pooled.
    discard(std::move(connection), false);
    if (!error.empty()) fail(error);
    if (probe) probing_.store(false, std::memory_order_release);
    return std::nullopt;
  }
  release(std::move(connection));
  if (probe) {
    up_.store(true, std::memory_order_release);
    probing_.store(false, std::memory_order_release);
  }
  return reply;
}

std::string RedisClient::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace fp::server
