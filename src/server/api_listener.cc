#include "server/api_listener.h"

#include "server/problem.h"
#include "server/request_id.h"

#include <fcntl.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>
#include <list>
#include <mutex>

namespace fp::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr auto kAwaitNoThrow = asio::as_tuple(use_awaitable);

// Lets stop() close a session that waits for its next request. `cancel` is set and cleared only
// on the session's strand, and stop() posts to that strand, so the two never race.
struct SessionHandle {
  asio::any_io_executor executor;
  std::function<void()> cancel_if_idle;

  void request_close(std::shared_ptr<SessionHandle> self) {
    asio::post(executor, [self] {
      if (self->cancel_if_idle) self->cancel_if_idle();
    });
  }
};

std::string decoded_path(std::string_view target) {
  // Absolute form (RFC 9112 3.2.2, "GET http://host/path"): the path is what follows the
  // authority.
  if (const size_t scheme = target.find("://");
      scheme != std::string_view::npos && target.find('/') > scheme) {
    const size_t path_start = target.find('/', scheme + 3);
    target =
        path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
  }
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.find('%') == std::string_view::npos) return std::string(path);
  auto escaped = boost::urls::make_pct_string_view(path);
  if (!escaped) return std::string(path);  // malformed escapes: routed as sent, so they 404
  const boost::urls::decode_view decoded = **escaped;
  return std::string(decoded.begin(), decoded.end());
}

Request to_request(const bhttp::request<bhttp::string_body>& message, const std::string& peer) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.path = decoded_path(request.target);
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = message.body();
  request.peer = peer;
  return request;
}

bhttp::response<bhttp::string_body> to_message(Response&& response, unsigned version,
                                               bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), version};
  if (!response.content_type.empty()) {
    message.set(bhttp::field::content_type, response.content_type);
  }
  for (auto& [name, value] : response.headers) message.insert(name, value);
  message.keep_alive(keep_alive);
  const size_t length = response.body.size();
  if (!head) message.body() = std::move(response.body);
  message.content_length(length);
  return message;
}

// A response the listener writes itself (limits), before any dispatch: the service's problem
// document (server/problem.h), on a connection that closes after it.
bhttp::response<bhttp::string_body> limit_response(bhttp::status status, std::string_view slug,
                                                   std::string_view detail) {
  const std::string request_id = new_request_id();
  Response body = problem(static_cast<int>(status), slug,
                          std::string(bhttp::obsolete_reason(status)), detail, {}, request_id);
  bhttp::response<bhttp::string_body> message{status, 11};
  message.set(bhttp::field::content_type, body.content_type);
  message.set("X-Request-Id", request_id);
  message.keep_alive(false);
  message.body() = std::move(body.body);
  message.prepare_payload();
  return message;
}

// 413, whether the Content-Length said so or the body ran past the limit while read.
bhttp::response<bhttp::string_body> body_too_large(size_t limit) {
  return limit_response(
      bhttp::status::payload_too_large, "body-too-large",
      "the body is larger than this route accepts (" + std::to_string(limit) + " bytes)");
}

}  // namespace

struct ApiListener::State : std::enable_shared_from_this<ApiListener::State> {
  asio::io_context& io;
  ApiListenerOptions options;
  std::shared_ptr<asio::ssl::context> tls;
  Dispatch dispatch;
  BodyLimit body_limit;
  ListenerObserver* observer;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> open{0};
  std::atomic<uint16_t> bound_port{0};
  std::mutex sessions_mutex;
  std::list<std::weak_ptr<SessionHandle>> sessions;

  State(asio::io_context& io_, ApiListenerOptions o, std::shared_ptr<asio::ssl::context> t,
        Dispatch d, BodyLimit b, ListenerObserver* obs)
      : io(io_),
        options(std::move(o)),
        tls(std::move(t)),
        dispatch(std::move(d)),
        body_limit(std::move(b)),
        observer(obs),
        acceptor(asio::make_strand(io_)) {}

  void limit_hit(std::string_view name) {
    if (observer) observer->limit_hit(name);
  }

  awaitable<void> accept_loop();
  template <class Stream>
  awaitable<void> serve(Stream& stream, std::string peer, std::shared_ptr<SessionHandle> handle,
                        std::atomic<bool>& idle);
  awaitable<void> run_session(tcp::socket socket);
};

// Reads and answers requests until the client or a limit ends the connection.
template <class Stream>
awaitable<void> ApiListener::State::serve(Stream& stream, std::string peer,
                                          std::shared_ptr<SessionHandle> /*handle*/,
                                          std::atomic<bool>& idle) {
  beast::flat_buffer buffer;
  auto& lowest = beast::get_lowest_layer(stream);
  bool first = true;
  while (!stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    // Beast checks Content-Length against its default body limit while reading the head; the
    // route's own limit is set once the head says which route it is.
    parser.body_limit(boost::none);
    lowest.expires_after(first ? options.header_timeout : options.idle_timeout);
    idle = true;
    auto [ec, head_bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, kAwaitNoThrow);
    idle = false;
    first = false;
    if (ec == bhttp::error::header_limit) {
      limit_hit(kLimitMaxHeaderBytes);
      co_await bhttp::async_write(
          stream,
          limit_response(bhttp::status::request_header_fields_too_large, "headers-too-large",
                         "the request head is larger than max_header_bytes"),
          kAwaitNoThrow);
      co_return;
    }
    if (ec == beast::error::timeout) {
      limit_hit(buffer.size() > 0 ? kLimitHeaderTimeout : kLimitIdleTimeout);
      co_return;
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      co_return;
    }
    if (ec) {
      co_await bhttp::async_write(stream,
                                  limit_response(bhttp::status::bad_request, "bad-request",
                                                 "malformed HTTP/1.1 request head"),
                                  kAwaitNoThrow);
      co_return;
    }
    auto& head = parser.get();
    const size_t limit = body_limit(head.method_string(), decoded_path(head.target()));
    if (parser.content_length() && *parser.content_length() > limit) {
      limit_hit(kLimitMaxBodyBytes);
      co_await bhttp::async_write(stream, body_too_large(limit), kAwaitNoThrow);
      co_return;
    }
    parser.body_limit(limit);
    if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, head.version()};
      co_await bhttp::async_write(stream, go_on, kAwaitNoThrow);
    }
    // A timer that cancels the read rather than the stream's expiry, which would close the
    // socket before the 408 could be written.
    lowest.expires_never();
    asio::steady_timer body_timer(lowest.get_executor(), options.body_timeout);
    bool body_timed_out = false;
    body_timer.async_wait([&lowest, &body_timed_out](const boost::system::error_code& e) {
      if (e) return;
      body_timed_out = true;
      boost::system::error_code ignored;
      lowest.socket().cancel(ignored);
    });
    auto [read_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kAwaitNoThrow);
    body_timer.cancel();
    const boost::system::error_code body_ec =
        body_timed_out ? make_error_code(beast::error::timeout) : read_ec;
    if (body_ec == bhttp::error::body_limit) {
      limit_hit(kLimitMaxBodyBytes);
      co_await bhttp::async_write(stream, body_too_large(limit), kAwaitNoThrow);
      co_return;
    }
    if (body_ec == beast::error::timeout) {
      limit_hit("body_timeout");
      lowest.expires_after(std::chrono::seconds(5));
      co_await bhttp::async_write(stream,
                                  limit_response(bhttp::status::request_timeout, "timeout",
                                                 "the body did not arrive in time"),
                                  kAwaitNoThrow);
      co_return;
    }
    if (body_ec) co_return;

    const auto started = std::chrono::steady_clock::now();
    auto message = parser.release();
    Request request = to_request(message, peer);
    Response response = dispatch(request);
    const bool keep_alive = message.keep_alive() && !stopping;
    if (observer) {
      observer->request_done(request, response, std::chrono::steady_clock::now() - started);
    }
    auto out = to_message(std::move(response), message.version(), keep_alive,
                          message.method() == bhttp::verb::head);
    lowest.expires_after(options.body_timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, out, kAwaitNoThrow);
    if (write_ec || !keep_alive) co_return;
  }
}

awaitable<void> ApiListener::State::run_session(tcp::socket socket) {
  auto self = shared_from_this();
  std::string peer;
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (!ec) peer = remote.address().to_string();
  socket.set_option(tcp::no_delay(true), ec);

  std::atomic<bool> idle{true};
  beast::tcp_stream stream(std::move(socket));
  auto handle = std::make_shared<SessionHandle>();
  handle->executor = stream.get_executor();
  handle->cancel_if_idle = [&stream, &idle] {
    if (idle) stream.socket().cancel();
  };
  {
    std::lock_guard lock(sessions_mutex);
    if (sessions.size() > 2 * open + 64) {
      sessions.remove_if([](const auto& weak) { return weak.expired(); });
    }
    sessions.push_back(handle);
  }
  if (tls) {
    beast::ssl_stream<beast::tcp_stream&> secure(stream, *tls);
    stream.expires_after(options.header_timeout);
    auto [hs_ec] = co_await secure.async_handshake(asio::ssl::stream_base::server, kAwaitNoThrow);
    if (!hs_ec) {
      co_await serve(secure, peer, handle, idle);
      stream.expires_after(std::chrono::seconds(2));
      co_await secure.async_shutdown(kAwaitNoThrow);
    } else if (hs_ec == beast::error::timeout) {
      limit_hit(kLimitHandshakeTimeout);
    }
  } else {
    co_await serve(stream, peer, handle, idle);
  }
  handle->cancel_if_idle = nullptr;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  --open;
  if (observer) observer->connection_closed();
}

awaitable<void> ApiListener::State::accept_loop() {
  auto self = shared_from_this();
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kAwaitNoThrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) co_return;
      continue;  // EMFILE, ECONNABORTED ...: keep accepting
    }
    if (open >= options.max_connections) {
      limit_hit(kLimitMaxConnections);
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    ++open;
    if (observer) observer->connection_opened();
    // A process the service may start must not inherit client connections.
    ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, run_session(std::move(socket)), asio::detached);
  }
}

ApiListener::ApiListener(asio::io_context& io, ApiListenerOptions options,
                         std::shared_ptr<asio::ssl::context> tls, Dispatch dispatch,
                         BodyLimit body_limit, ListenerObserver* observer)
    : state_(std::make_shared<State>(io, std::move(options), std::move(tls), std::move(dispatch),
                                     std::move(body_limit), observer)) {}

ApiListener::~ApiListener() { stop(); }

bool ApiListener::start(std::string& error) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(state_->options.endpoint.host, ec);
  if (ec) {
    error = "bad listen address " + state_->options.endpoint.host;
    return false;
  }
  const tcp::endpoint endpoint(address, state_->options.endpoint.port);
  auto& acceptor = state_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec) ||
      acceptor.set_option(asio::socket_base::reuse_address(true), ec) ||
      acceptor.bind(endpoint, ec) ||
      acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    error = "cannot listen on " + to_string(state_->options.endpoint) + ": " + ec.message();
    return false;
  }
  ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
  state_->bound_port = acceptor.local_endpoint(ec).port();
  asio::co_spawn(acceptor.get_executor(), state_->accept_loop(), asio::detached);
  return true;
}

uint16_t ApiListener::port() const { return state_->bound_port; }

size_t ApiListener::open_connections() const { return state_->open; }

void ApiListener::stop() {
  if (state_->stopping.exchange(true)) return;
  asio::post(state_->acceptor.get_executor(), [state = state_] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
  });
  std::lock_guard lock(state_->sessions_mutex);
  for (auto& weak : state_->sessions) {
    if (auto handle = weak.lock()) handle->request_close(handle);
  }
  state_->sessions.clear();
}

}  // namespace fp::server
