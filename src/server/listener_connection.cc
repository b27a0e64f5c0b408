#include "server/listener_connection.h"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <utility>

#include "server/listener_socket.h"
#include "server/listener_wire.h"

namespace fp::server::detail {
namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// Handshake results as ListenerObserver::handshake names them.
constexpr std::string_view kHandshakeOk = "ok";
constexpr std::string_view kHandshakeFailed = "failed";
constexpr std::string_view kHandshakeTimeout = "timeout";
constexpr std::string_view kHandshakeNotTls = "not_tls";

}  // namespace

bool ListenerShared::add(uint64_t id, const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  connections_.emplace(id, connection);
  return true;
}

void ListenerShared::remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
}

std::vector<std::shared_ptr<Connection>> ListenerShared::begin_stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  stopping_now = true;
  std::vector<std::shared_ptr<Connection>> live;
  for (const auto& [id, weak] : connections_) {
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  }
  return live;
}

bool ListenerShared::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

Connection::Connection(std::shared_ptr<ListenerShared> shared, tcp::socket socket, uint64_t id,
                       std::string syn)
    : shared_(std::move(shared)),
      stream_(std::move(socket), *shared_->tls),
      timer_(stream_.get_executor()) {
  capture_.syn = std::move(syn);
  capture_.connection_id = id;
  boost::system::error_code ec;
  const tcp::endpoint peer = stream_.next_layer().remote_endpoint(ec);
  if (!ec) {
    capture_.peer = peer_address(peer.address());
    capture_.peer_port = peer.port();
  }
}

Connection::~Connection() {
  shared_->remove(capture_.connection_id);
  shared_->open.fetch_sub(1);
  if (shared_->observer != nullptr) shared_->observer->connection_closed();
}

void Connection::start() {
  auto self = shared_from_this();
  // Exceptions are caught inside run(); the watchdog throws none. Nothing is left to report.
  auto ignore = [](const std::exception_ptr&) {};
  asio::co_spawn(
      stream_.get_executor(), [self] { return self->run(); }, ignore);
  asio::co_spawn(
      stream_.get_executor(), [self] { return self->watchdog(); }, ignore);
}

void Connection::stop() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->on_stop(); });
}

void Connection::on_stop() {
  stop_requested_ = true;
  if (!idle_) return;  // the loop sees stopping() once the request in flight is answered
  boost::system::error_code ec;
  stream_.next_layer().cancel(ec);  // wakes the loop from its wait for a new request
}

void Connection::report_limit(std::string_view limit) {
  if (shared_->observer != nullptr) shared_->observer->limit_hit(limit);
}

void Connection::report_handshake(std::string_view result) {
  if (stopping() || shared_->observer == nullptr) return;
  shared_->observer->handshake(result, capture_.alpn);
}

void Connection::arm_until(Clock::time_point when, std::string_view limit) {
  deadline_ = when;
  limit_ = limit;
  timer_.cancel();  // the watchdog wakes and waits for the new deadline
}

void Connection::disarm() {
  deadline_ = Clock::time_point::max();
  limit_ = {};
}

asio::awaitable<void> Connection::watchdog() {
  while (!finished_) {
    timer_.expires_at(deadline_);
    (void)co_await timer_.async_wait(kAwait);
    if (finished_) break;
    if (Clock::now() < deadline_) continue;  // re-armed, or woken early by arm_until()
    expired_ = limit_;
    if (!limit_.empty()) report_limit(limit_);
    close_now();
    break;
  }
}

asio::awaitable<void> Connection::run() {
  try {
    co_await serve();
  } catch (const std::exception&) {
    // Only resource exhaustion (bad_alloc) gets here: the connection ends, the listener goes on.
  }
  finished_ = true;
  close_now();
  timer_.cancel();
}

asio::awaitable<void> Connection::serve() {
  arm(options().handshake_timeout, kLimitHandshakeTimeout);
  idle_ = true;  // no request yet: stop() ends a handshake at once
  std::vector<uint8_t> received;
  const bool hello = co_await read_client_hello(received);
  if (!hello) co_return;
  const bool secure = co_await handshake(received);
  if (!secure) co_return;
  idle_ = false;
  disarm();
  if (capture_.alpn == "h2") {
    co_await serve_http2(*this);
  } else {
    co_await serve_http1(*this);
  }
}

// Reads the plain socket until the ClientHello is complete, so that its records are kept exactly
// as received; OpenSSL gets the same bytes afterwards.
asio::awaitable<bool> Connection::read_client_hello(std::vector<uint8_t>& received) {
  while (true) {
    if (received.size() >= kMaxClientHelloBytes) {
      report_limit(kLimitMaxClientHelloBytes);
      report_handshake(kHandshakeFailed);
      co_return false;
    }
    const size_t old_size = received.size();
    received.resize(old_size + std::min(kReadChunk, kMaxClientHelloBytes - old_size));
    auto [ec, n] = co_await stream_.next_layer().async_read_some(
        asio::buffer(received.data() + old_size, received.size() - old_size), kAwait);
    received.resize(old_size + n);
    if (ec) {
      report_handshake(expired_ == kLimitHandshakeTimeout ? kHandshakeTimeout : kHandshakeFailed);
      co_return false;
    }
    const HelloProgress progress = client_hello_progress(received);
    switch (progress.state) {
      case HelloState::kNeedMore:
        break;
      case HelloState::kComplete:
        capture_.client_hello.assign(received.begin(), received.begin() + progress.end);
        co_return true;
      case HelloState::kNotTls:
        report_handshake(kHandshakeNotTls);
        co_return false;
      case HelloState::kInvalid:
        report_handshake(kHandshakeFailed);
        co_return false;
    }
  }
}

asio::awaitable<bool> Connection::handshake(const std::vector<uint8_t>& received) {
  auto [ec, used] = co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                                     asio::buffer(received), kAwait);
  // A client cannot send more than its first flight before our reply, so OpenSSL takes every
  // byte read; anything left over would be lost, and such a client is not one we can serve.
  if (ec || used != received.size()) {
    report_handshake(expired_ == kLimitHandshakeTimeout ? kHandshakeTimeout : kHandshakeFailed);
    co_return false;
  }
  record_negotiated();
  report_handshake(kHandshakeOk);
  co_return true;
}

void Connection::record_negotiated() {
  SSL* ssl = stream_.native_handle();
  const unsigned char* alpn = nullptr;
  unsigned int alpn_length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
  if (alpn != nullptr) capture_.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_length);
  if (const char* version = SSL_get_version(ssl)) capture_.tls_version = version;
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    capture_.cipher = SSL_CIPHER_get_name(cipher);
  }
}

asio::awaitable<size_t> Connection::read_some(asio::mutable_buffer buffer) {
  if (stopping() && idle_) co_return 0;
  auto [ec, n] = co_await stream_.async_read_some(buffer, kAwait);
  co_return ec ? 0 : n;
}

asio::awaitable<bool> Connection::write_all(std::string_view bytes) {
  const Clock::time_point deadline = deadline_;
  const std::string_view limit = limit_;
  arm(options().idle_timeout, kLimitWriteTimeout);
  auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes), kAwait);
  if (ec) co_return false;
  arm_until(deadline, limit);  // back to the deadline of the read the write interrupted
  co_return true;
}

asio::awaitable<void> Connection::close_gracefully() {
  if (!expired_.empty()) co_return;
  arm(kLingerTime, {});
  idle_ = false;
  // OpenSSL sends close_notify, then reads until the client's, discarding application data:
  // that is the lingering close.
  (void)co_await stream_.async_shutdown(kAwait);
}

void Connection::close_now() {
  boost::system::error_code ec;
  stream_.next_layer().shutdown(tcp::socket::shutdown_both, ec);
  stream_.next_layer().close(ec);
}

Response Connection::call_handler(const Request& request) {
  try {
    if (shared_->handler) return shared_->handler(capture_, request);
  } catch (...) {
    // A handler bug must not take the connection's other requests or the listener down.
  }
  return listener_problem(500, "internal", "the request could not be handled", request.request_id);
}

void Connection::request_done(const Request& request, const Response& response,
                              Clock::time_point began) {
  if (shared_->observer == nullptr) return;
  shared_->observer->request_done(request, response, Clock::now() - began);
}

}  // namespace fp::server::detail
