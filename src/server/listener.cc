#include "server/listener.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <optional>
#include <utility>

#include "server/listener_connection.h"
#include "server/listener_socket.h"

namespace fp::server {
namespace {

using detail::Connection;
using detail::ListenerShared;
using detail::tcp;
namespace asio = boost::asio;

// After an accept error (out of file descriptors, say), wait before the next attempt instead
// of spinning on the same error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// "0.0.0.0", "::", "127.0.0.1", "::1" or a name ("localhost"), resolved once at start.
std::optional<tcp::endpoint> resolve(asio::io_context& io, const Endpoint& endpoint,
                                     std::string& error) {
  boost::system::error_code ec;
  const std::string host = endpoint.host.empty() ? "0.0.0.0" : endpoint.host;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, endpoint.port);
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(endpoint.port), ec);
  if (ec || results.empty()) {
    error = "cannot resolve " + host + ": " + (ec ? ec.message() : "no address");
    return std::nullopt;
  }
  return results.begin()->endpoint();
}

void admit(const std::shared_ptr<ListenerShared>& shared, tcp::socket socket) {
  boost::system::error_code ec;
  if (shared->stopping()) {
    socket.close(ec);
    return;
  }
  if (shared->open.load() >= shared->options.max_connections) {
    if (shared->observer != nullptr) shared->observer->limit_hit(kLimitMaxConnections);
    socket.close(ec);
    return;
  }
  (void)detail::set_close_on_exec(socket.native_handle());
  std::string syn = detail::take_saved_syn(socket.native_handle());
  const uint64_t id = shared->last_connection_id.fetch_add(1) + 1;
  shared->open.fetch_add(1);  // released by ~Connection
  if (shared->observer != nullptr) shared->observer->connection_opened();
  auto connection = std::make_shared<Connection>(shared, std::move(socket), id, std::move(syn));
  if (!shared->add(id, connection)) return;  // stop() came first: the connection just ends
  connection->start();
}

asio::awaitable<void> accept_loop(std::shared_ptr<ListenerShared> shared,
                                  std::shared_ptr<tcp::acceptor> acceptor,
                                  asio::any_io_executor connections) {
  const auto await = asio::as_tuple(asio::use_awaitable);
  while (acceptor->is_open()) {
    // Each connection gets its own strand: its loop and watchdog never run at the same time.
    auto [ec, socket] = co_await acceptor->async_accept(asio::make_strand(connections), await);
    if (!ec) {
      // Without it a response waits behind the TLS 1.3 session tickets for the client's delayed
      // ACK (40 ms on Linux).
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      admit(shared, std::move(socket));
      continue;
    }
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) break;
    asio::steady_timer pause(acceptor->get_executor(), kAcceptRetryDelay);
    (void)co_await pause.async_wait(await);
  }
}

}  // namespace

struct FingerprintListener::State {
  asio::io_context& io;
  std::shared_ptr<ListenerShared> shared = std::make_shared<ListenerShared>();
  std::mutex mutex;                         // guards acceptor: stop() may come from any thread
  std::shared_ptr<tcp::acceptor> acceptor;  // set by a successful start()
  std::atomic<uint16_t> port{0};

  explicit State(asio::io_context& context) : io(context) {}

  std::shared_ptr<tcp::acceptor> current_acceptor() {
    std::lock_guard lock(mutex);
    return acceptor;
  }
};

FingerprintListener::FingerprintListener(asio::io_context& io, ListenerOptions options,
                                         std::shared_ptr<asio::ssl::context> tls,
                                         SelfHandler handler, ListenerObserver* observer)
    : state_(std::make_shared<State>(io)) {
  state_->shared->options = std::move(options);
  state_->shared->tls = std::move(tls);
  state_->shared->handler = std::move(handler);
  state_->shared->observer = observer;
}

FingerprintListener::~FingerprintListener() { stop(); }

bool FingerprintListener::start(std::string& error) {
  if (state_->current_acceptor()) {
    error = "the listener is already started";
    return false;
  }
  if (!state_->shared->tls) {
    error = "no TLS context";
    return false;
  }
  const Endpoint& where = state_->shared->options.endpoint;
  std::optional<tcp::endpoint> endpoint = resolve(state_->io, where, error);
  if (!endpoint) return false;
  auto acceptor = std::make_shared<tcp::acceptor>(asio::make_strand(state_->io));
  boost::system::error_code ec;
  const auto fail = [&](std::string_view what) {
    error = std::string(what) + " " + to_string(where) + ": " + ec.message();
    return false;
  };
  acceptor->open(endpoint->protocol(), ec);
  if (ec) return fail("cannot open a socket for");
  (void)detail::set_close_on_exec(acceptor->native_handle());
  acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return fail("cannot set up");
  acceptor->bind(*endpoint, ec);
  if (ec) return fail("cannot bind");
  // Before listen(): the kernel saves the SYN of connections it queues from then on. Without it
  // (an old kernel) the listener still works; CallerCapture::syn stays empty.
  (void)detail::enable_save_syn(acceptor->native_handle());
  acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on");
  state_->port = acceptor->local_endpoint(ec).port();
  {
    std::lock_guard lock(state_->mutex);
    if (state_->shared->stopping()) {
      error = "the listener is stopped";
      return false;
    }
    state_->acceptor = acceptor;
  }
  auto ignore = [](const std::exception_ptr&) {};
  const asio::any_io_executor connections = state_->io.get_executor();
  asio::co_spawn(acceptor->get_executor(), accept_loop(state_->shared, acceptor, connections),
                 ignore);
  return true;
}

uint16_t FingerprintListener::port() const { return state_->port; }

void FingerprintListener::stop() {
  for (const auto& connection : state_->shared->begin_stop()) connection->stop();
  if (auto acceptor = state_->current_acceptor()) {
    asio::post(acceptor->get_executor(), [acceptor] {
      boost::system::error_code ec;
      acceptor->close(ec);
    });
  }
}

size_t FingerprintListener::open_connections() const { return state_->shared->open.load(); }

}  // namespace fp::server
