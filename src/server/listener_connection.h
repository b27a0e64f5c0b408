#pragma once
// One accepted connection of the fingerprinting listener: captures the SYN and the raw
// ClientHello, completes the TLS handshake with the bytes already read, then hands the stream
// to the HTTP/1 or HTTP/2 loop. Internal to the listener.
//
// Everything here runs on the connection's strand. Two coroutines share the object: the
// protocol loop, and a watchdog that closes the socket when the current deadline passes (so a
// read or write never needs its own timer).

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/caller.h"
#include "server/listener.h"

namespace fp::server::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Decrypted bytes asked for per read; also the plain-socket read size for the ClientHello.
inline constexpr size_t kReadChunk = 16 * 1024;
// After the last response: how long close_notify and a lingering read may take, so that a client
// still sending (an oversized head, say) reads our answer instead of a reset.
inline constexpr std::chrono::seconds kLingerTime{2};

class Connection;

// What every connection of one listener shares. Connections hold it, so it outlives the
// FingerprintListener while they finish.
struct ListenerShared {
  ListenerOptions options;
  std::shared_ptr<asio::ssl::context> tls;
  SelfHandler handler;
  ListenerObserver* observer = nullptr;
  std::atomic<size_t> open{0};
  std::atomic<uint64_t> last_connection_id{0};
  std::atomic<bool> stopping_now{false};  // stopping(), without the lock, for hot paths

  // Registers a connection so that stop() reaches it; false once stopping.
  [[nodiscard]] bool add(uint64_t id, const std::shared_ptr<Connection>& connection);
  void remove(uint64_t id);
  // Marks the listener stopping and returns the live connections.
  [[nodiscard]] std::vector<std::shared_ptr<Connection>> begin_stop();
  [[nodiscard]] bool stopping() const;

 private:
  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Stream = asio::ssl::stream<tcp::socket>;

  // `socket` has its own strand as executor; `syn` is its saved SYN ("" if none).
  Connection(std::shared_ptr<ListenerShared> shared, tcp::socket socket, uint64_t id,
             std::string syn);
  ~Connection();  // reports connection_closed and releases the connection's slot
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();  // spawns the protocol loop and the watchdog
  void stop();   // from any thread: finish the request in flight, read no new one

  // For the protocol loops, on the strand:
  [[nodiscard]] const ListenerOptions& options() const noexcept { return shared_->options; }
  [[nodiscard]] CallerCapture& capture() noexcept { return capture_; }
  // stop() was called: on the listener (seen at once, even while this strand is busy in the
  // handler) or on this connection.
  [[nodiscard]] bool stopping() const noexcept {
    return stop_requested_ || shared_->stopping_now.load();
  }
  // The limit whose deadline closed the connection, or "".
  [[nodiscard]] std::string_view expired() const noexcept { return expired_; }
  void report_limit(std::string_view limit);

  // The watchdog closes the connection at `when` and reports `limit` (none when empty).
  void arm_until(Clock::time_point when, std::string_view limit);
  void arm(Clock::duration after, std::string_view limit) {
    arm_until(Clock::now() + after, limit);
  }
  void disarm();
  // Waiting for a new request with nothing in flight: stop() may end the connection now.
  void set_idle(bool idle) noexcept { idle_ = idle; }

  // Decrypted bytes; 0 on end of stream, error, timeout, or stop while idle.
  [[nodiscard]] asio::awaitable<size_t> read_some(asio::mutable_buffer buffer);
  // All of `bytes`, bounded by the write timeout; false when the connection failed.
  [[nodiscard]] asio::awaitable<bool> write_all(std::string_view bytes);
  // Sends close_notify and waits briefly for the client's, discarding what it still sends.
  [[nodiscard]] asio::awaitable<void> close_gracefully();

  // The handler's response; a throwing or missing handler gives a 500.
  [[nodiscard]] Response call_handler(const Request& request);
  void request_done(const Request& request, const Response& response, Clock::time_point began);

 private:
  asio::awaitable<void> run();
  asio::awaitable<void> serve();
  asio::awaitable<void> watchdog();
  asio::awaitable<bool> read_client_hello(std::vector<uint8_t>& received);
  asio::awaitable<bool> handshake(const std::vector<uint8_t>& received);
  void on_stop();
  void record_negotiated();
  void report_handshake(std::string_view result);
  void close_now();

  std::shared_ptr<ListenerShared> shared_;
  Stream stream_;
  asio::steady_timer timer_;
  CallerCapture capture_;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::string_view limit_;    // reported when deadline_ passes
  std::string_view expired_;  // set by the watchdog when it closed the connection
  bool idle_ = false;
  bool stop_requested_ = false;
  bool finished_ = false;
};

// The protocol loops (listener_http1.cc, listener_http2.cc). Each returns when the connection is
// done; the caller closes it.
[[nodiscard]] asio::awaitable<void> serve_http1(Connection& connection);
[[nodiscard]] asio::awaitable<void> serve_http2(Connection& connection);

}  // namespace fp::server::detail
