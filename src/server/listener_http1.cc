// HTTP/1.1 over the fingerprinting listener's TLS stream: request heads parsed by the library's
// parser (header order kept), Content-Length bodies, keep-alive and pipelining (bytes after one
// request stay buffered for the next), each head kept as received in CallerCapture::http1_head.

#include <optional>
#include <string>

#include "http/http1.h"
#include "server/listener_connection.h"
#include "server/listener_wire.h"

namespace fp::server::detail {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

Bytes as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

class Http1Session {
 public:
  explicit Http1Session(Connection& connection) : c_(connection) {}

  asio::awaitable<void> run();

 private:
  // One request; false when the connection is to close.
  asio::awaitable<bool> serve_one();
  asio::awaitable<bool> wait_for_request();
  asio::awaitable<std::optional<http::Http1Parse>> read_head();
  asio::awaitable<bool> read_body(uint64_t length, bool expect_continue, std::string& body);
  asio::awaitable<bool> read_more();
  // The listener's own error response; the connection closes after it.
  // `request` is the caller's, alive across the co_await: GCC 12 corrupts class-type
  // arguments passed by value to a coroutine from a temporary.
  asio::awaitable<bool> refuse(int status, std::string_view slug, std::string_view detail,
                               Request& request);

  Connection& c_;
  std::string in_;  // decrypted bytes not yet consumed: a pipelined next request stays here
  uint64_t index_ = 0;
};

// GCC 12 miscompiles co_await inside && and || (the frame is resumed at the wrong place), so
// every co_await in these loops stands in a statement of its own.
asio::awaitable<void> Http1Session::run() {
  while (!c_.stopping()) {
    const bool keep_going = co_await serve_one();
    if (!keep_going) break;
  }
}

asio::awaitable<bool> Http1Session::serve_one() {
  const bool arrived = co_await wait_for_request();
  if (!arrived) co_return false;
  const Clock::time_point began = Clock::now();
  std::optional<http::Http1Parse> parse = co_await read_head();
  if (!parse) co_return false;

  const std::string_view head(in_.data(), parse->consumed);
  std::optional<Request> request = make_request(parse->request, c_.capture().peer);
  if (!request) {
    Request unusable;
    (void)co_await refuse(400, "bad-request", "the request target is not a path", unusable);
    co_return false;
  }
  c_.capture().http1_head.assign(head);
  c_.capture().request_index = index_++;
  in_.erase(0, parse->consumed);

  const BodyLength body = request_body_length(parse->request.headers);
  if (body.framing == BodyFraming::kChunked) {
    (void)co_await refuse(411, "length-required", "send the body with a Content-Length", *request);
    co_return false;
  }
  if (body.framing == BodyFraming::kInvalid) {
    (void)co_await refuse(400, "bad-request", "the Content-Length is not valid", *request);
    co_return false;
  }
  if (body.length > c_.options().max_body_bytes) {
    c_.report_limit(kLimitMaxBodyBytes);
    (void)co_await refuse(413, "body-too-large", "the request body is too large", *request);
    co_return false;
  }
  const bool has_body =
      co_await read_body(body.length, expects_continue(parse->request), request->body);
  if (!has_body) co_return false;

  c_.disarm();  // the handler may take its time
  const Response response = c_.call_handler(*request);
  const bool close = !wants_keep_alive(parse->request) || c_.stopping();
  const std::string out =
      http1_response(response, request->request_id, request->method == "HEAD", close);
  const bool written = co_await c_.write_all(out);
  if (!written) co_return false;
  c_.request_done(*request, response, began);
  if (close) co_await c_.close_gracefully();
  co_return !close;
}

// Waits for the first byte of the next request, under the idle timeout.
asio::awaitable<bool> Http1Session::wait_for_request() {
  if (!in_.empty()) co_return true;
  c_.arm(c_.options().idle_timeout, kLimitIdleTimeout);
  c_.set_idle(true);
  const bool got = co_await read_more();
  c_.set_idle(false);
  co_return got;
}

// Reads until the head is complete, from its first byte under the header timeout.
asio::awaitable<std::optional<http::Http1Parse>> Http1Session::read_head() {
  c_.arm(c_.options().header_timeout, kLimitHeaderTimeout);
  const size_t limit = c_.options().max_header_bytes;
  while (true) {
    http::Http1Parse parse = http::parse_http1_request(as_bytes(in_));
    const bool too_large = (parse.status == http::ParseStatus::kDone && parse.consumed > limit) ||
                           (parse.status == http::ParseStatus::kNeedMore && in_.size() > limit) ||
                           parse.error == http::Http1Error::kTooLarge ||
                           parse.error == http::Http1Error::kTooManyHeaders;
    if (too_large) {
      c_.report_limit(kLimitMaxHeaderBytes);
      Request unparsed;
      (void)co_await refuse(431, "header-too-large", "the request head is too large", unparsed);
      co_return std::nullopt;
    }
    if (parse.status == http::ParseStatus::kDone) co_return parse;
    if (parse.status == http::ParseStatus::kError) {
      Request unparsed;
      (void)co_await refuse(400, "bad-request", http::describe(parse.error), unparsed);
      co_return std::nullopt;
    }
    const bool more = co_await read_more();
    if (!more) co_return std::nullopt;
  }
}

asio::awaitable<bool> Http1Session::read_body(uint64_t length, bool expect_continue,
                                              std::string& body) {
  if (in_.size() < length) {
    c_.arm(c_.options().body_timeout, kLimitBodyTimeout);
    // The client waits for this before sending the body (curl does, for large uploads).
    if (expect_continue && in_.empty()) {
      const bool written = co_await c_.write_all(kContinue);
      if (!written) co_return false;
    }
    while (in_.size() < length) {
      const bool more = co_await read_more();
      if (!more) co_return false;
    }
  }
  body.assign(in_, 0, length);
  in_.erase(0, length);
  co_return true;
}

asio::awaitable<bool> Http1Session::read_more() {
  const size_t old_size = in_.size();
  in_.resize(old_size + kReadChunk);
  const size_t n = co_await c_.read_some(asio::buffer(in_.data() + old_size, kReadChunk));
  in_.resize(old_size + n);
  co_return n > 0;
}

asio::awaitable<bool> Http1Session::refuse(int status, std::string_view slug,
                                           std::string_view detail, Request& request) {
  const Clock::time_point began = Clock::now();
  if (request.peer.empty()) request.peer = c_.capture().peer;
  if (request.request_id.empty()) request.request_id = request_id_for(request.headers);
  const Response response = listener_problem(status, slug, detail, request.request_id);
  const std::string out = http1_response(response, request.request_id, false, true);
  const bool written = co_await c_.write_all(out);
  if (written) {
    c_.request_done(request, response, began);
    co_await c_.close_gracefully();
  }
  co_return false;
}

}  // namespace

asio::awaitable<void> serve_http1(Connection& connection) {
  Http1Session session(connection);
  co_await session.run();
}

}  // namespace fp::server::detail
