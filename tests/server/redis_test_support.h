#pragma once
// What the Redis tests share: the server from FP_TEST_REDIS_URL (the test is skipped without it;
// ctest's server.redis runs them through tests/support/backends.py --redis), the runner's
// control command FP_TEST_REDIS_CTL (stop/start the real server), unique key names, and a
// "black hole" listener that accepts TCP connections and never answers (a hung Redis).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "server/redis_client.h"

namespace fp::server::testing {

inline std::optional<RedisUrl> test_redis_url() {
  const char* text = std::getenv("FP_TEST_REDIS_URL");
  if (text == nullptr || *text == '\0') return std::nullopt;
  std::string error;
  return parse_redis_url(text, error);
}

#define FP_REQUIRE_REDIS(url)                                               \
  const auto url##_optional = ::fp::server::testing::test_redis_url();      \
  if (!url##_optional)                                                      \
    GTEST_SKIP() << "FP_TEST_REDIS_URL is not set (ctest server.redis "     \
                    "runs this through tests/support/backends.py --redis)"; \
  const ::fp::server::RedisUrl url = *url##_optional

#define FP_REQUIRE_REDIS_CONTROL()                 \
  if (std::getenv("FP_TEST_REDIS_CTL") == nullptr) \
  GTEST_SKIP() << "FP_TEST_REDIS_CTL is not set (run through tests/support/backends.py --redis)"

// `$FP_TEST_REDIS_CTL <action>` (stop | start | kill | restart); true when it succeeded.
inline bool redis_control(const std::string& action) {
  const char* command = std::getenv("FP_TEST_REDIS_CTL");
  if (command == nullptr) return false;
  return std::system((std::string(command) + " " + action).c_str()) == 0;
}

inline RedisOptions test_options(const RedisUrl& url) {
  RedisOptions options;
  options.url = url;
  options.retry_interval = std::chrono::milliseconds(200);  // tests wait for it
  return options;
}

// A key no other test (or earlier run against the same server) uses.
inline std::string unique_name(const std::string& prefix) {
  static std::mt19937_64 random{std::random_device{}()};
  return prefix + std::to_string(random());
}

inline double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

// Polls `done` every 10 ms for up to `limit`; true when it became true.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Listens on 127.0.0.1 and never accepts: the kernel completes handshakes into the backlog, so
// a client connects, writes its command, and waits for a reply that never comes.
class BlackHole {
 public:
  BlackHole() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(fd_, 64) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~BlackHole() {
    if (fd_ >= 0) close(fd_);
  }
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] RedisUrl url() const { return RedisUrl{"127.0.0.1", port_, "", 0}; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace fp::server::testing
