#pragma once
// The API listener: HTTP/1.1 (Boost.Beast), plain or TLS, keep-alive, with the service's limits
// (header and body size, header/body/idle timeouts, a connection cap) enforced before a request
// reaches the dispatcher. The body limit is asked per request, once its head is read, so a pcap
// upload can be larger than a JSON body and an oversized one is refused before it is read.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "server/config.h"
#include "server/http_types.h"
#include "server/listener.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace fp::server {

struct ApiListenerOptions {
  Endpoint endpoint;  // port 0 => ephemeral (tests)
  size_t max_connections = 1024;
  size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds header_timeout{10}, body_timeout{30}, idle_timeout{60};
};

// The whole request in, the response out. Runs on the connection's strand; may block.
using Dispatch = std::function<Response(Request&)>;
// The largest body accepted for this method and path (route-specific).
using BodyLimit = std::function<size_t(std::string_view method, std::string_view path)>;

class ApiListener {
 public:
  // `tls` may be null (plain HTTP). The observer reports limits and connections (listener.h).
  ApiListener(boost::asio::io_context& io, ApiListenerOptions options,
              std::shared_ptr<boost::asio::ssl::context> tls, Dispatch dispatch,
              BodyLimit body_limit, ListenerObserver* observer = nullptr);
  ~ApiListener();
  ApiListener(const ApiListener&) = delete;
  ApiListener& operator=(const ApiListener&) = delete;

  [[nodiscard]] bool start(std::string& error);
  [[nodiscard]] uint16_t port() const;
  // Stops accepting; a request in flight is answered, then its connection closes; idle
  // keep-alive connections close now. Safe from any thread; idempotent.
  void stop();
  [[nodiscard]] size_t open_connections() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace fp::server
