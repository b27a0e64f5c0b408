#pragma once
// The fingerprinting listener: a TLS server (ALPN h2 and http/1.1) that keeps what each caller
// sent before any content - the SYN's headers, the ClientHello records, the HTTP/2 preface frames
// or the HTTP/1 request head - and hands it with every request to a handler.
//
// Threads: the io_context may be run by several threads; each connection runs on its own strand.
// Observer and handler calls come from any of those threads. The observer and the handler's
// captures must outlive the io_context's run: connections still open after the listener is
// destroyed finish on their own and report to the observer.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/caller.h"
#include "server/config.h"
#include "server/http_types.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace fp::server {

struct ListenerOptions {
  Endpoint endpoint;                           // port 0 => an ephemeral port (tests), see port()
  size_t max_connections = 1024;               // more are accepted and closed at once
  size_t max_header_bytes = 16 * 1024;         // HTTP/1 head, HTTP/2 header list: 431 beyond
  size_t max_body_bytes = 1 << 20;             // request body: 413 beyond
  std::chrono::seconds handshake_timeout{10};  // from accept to the end of the TLS handshake
  std::chrono::seconds header_timeout{10};     // from a request's first byte to the end of its head
  std::chrono::seconds idle_timeout{60};       // between requests on a kept-alive connection;
                                               // also bounds a write the client does not read
  std::chrono::seconds body_timeout{30};       // from the end of a head to the end of its body
};

// The limit names passed to ListenerObserver::limit_hit.
inline constexpr std::string_view kLimitMaxConnections = "max_connections";
inline constexpr std::string_view kLimitMaxClientHelloBytes = "max_client_hello_bytes";
inline constexpr std::string_view kLimitHandshakeTimeout = "handshake_timeout";
inline constexpr std::string_view kLimitHeaderTimeout = "header_timeout";
inline constexpr std::string_view kLimitIdleTimeout = "idle_timeout";
inline constexpr std::string_view kLimitBodyTimeout = "body_timeout";
inline constexpr std::string_view kLimitWriteTimeout = "write_timeout";  // idle_timeout, writing
inline constexpr std::string_view kLimitMaxHeaderBytes = "max_header_bytes";
inline constexpr std::string_view kLimitMaxBodyBytes = "max_body_bytes";
inline constexpr std::string_view kLimitMaxConcurrentStreams = "max_concurrent_streams";

// What the listener reports; the lead adapts it to Prometheus metrics. Calls come from any thread.
class ListenerObserver {
 public:
  virtual ~ListenerObserver() = default;
  // result: "ok" | "failed" | "timeout" | "not_tls"; alpn as negotiated ("" unless ok).
  virtual void handshake(std::string_view /*result*/, std::string_view /*alpn*/) {}
  virtual void limit_hit(std::string_view /*limit*/) {}  // one of the kLimit* names
  virtual void connection_opened() {}
  virtual void connection_closed() {}
  virtual void request_done(const Request& /*request*/, const Response& /*response*/,
                            std::chrono::nanoseconds /*took*/) {}
};

// Called once per request (HTTP/1) or stream (h2), on the connection's strand; it may block
// (other connections go on in other threads) and must not throw (a throw becomes a 500).
using SelfHandler = std::function<Response(const CallerCapture&, const Request&)>;

class FingerprintListener {
 public:
  // `tls` is a server context made by make_server_tls_context (ALPN h2 then http/1.1).
  FingerprintListener(boost::asio::io_context& io, ListenerOptions options,
                      std::shared_ptr<boost::asio::ssl::context> tls, SelfHandler handler,
                      ListenerObserver* observer = nullptr);
  ~FingerprintListener();  // stops; connections still open hold their own state and end alone
  FingerprintListener(const FingerprintListener&) = delete;
  FingerprintListener& operator=(const FingerprintListener&) = delete;

  // Binds and listens (IPv4 or IPv6 by the host), with TCP_SAVE_SYN set on the listening socket;
  // false and `error` set when the address cannot be bound.
  [[nodiscard]] bool start(std::string& error);
  // The bound port (endpoint port 0 => ephemeral, for tests); 0 before start().
  [[nodiscard]] uint16_t port() const;
  // Stops accepting; requests in flight finish, then their connections close (no new request is
  // read on a kept-alive connection; h2 sessions get GOAWAY). Safe from any thread; idempotent.
  void stop();
  [[nodiscard]] size_t open_connections() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace fp::server
