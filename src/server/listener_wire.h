#pragma once
// The fingerprinting listener's byte-level decisions, kept apart from its sockets so that each
// is tested on its own: where the captured ClientHello and HTTP/2 preface end, how a request
// body is framed, and how an HTTP/1.1 response is written. Internal to the listener.
//
// None of this fingerprints anything: the bytes found here are handed, whole and unchanged, to a
// handler that calls the library.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "http/request.h"
#include "server/http_types.h"

namespace fp::server::detail {

// Raw bytes read from a new connection that must hold a complete ClientHello; beyond this the
// connection closes (limit "max_client_hello_bytes"). A post-quantum hello is about 1.8 KB.
inline constexpr size_t kMaxClientHelloBytes = 64 * 1024;
// Decrypted HTTP/2 bytes kept in CallerCapture::http2_frames (from the client magic on).
inline constexpr size_t kMaxHttp2CaptureBytes = 64 * 1024;

enum class HelloState : uint8_t {
  kNeedMore,  // no complete ClientHello yet: read more
  kComplete,  // `end` is the length of the records up to the one completing the ClientHello
  kNotTls,    // the first bytes are not a TLS record (a plain HTTP request, say)
  kInvalid,   // TLS records, but not starting with a ClientHello, or a bad length
};

struct HelloProgress {
  HelloState state = HelloState::kNeedMore;
  size_t end = 0;  // when kComplete
};

// `received` is what the client sent so far, from its first byte. Completeness is judged by the
// library's handshake scanner (tls/handshake.h); the hello may span records.
[[nodiscard]] HelloProgress client_hello_progress(Bytes received) noexcept;

// In an HTTP/2 client stream starting with the connection preface, the offset just past the
// first complete header block (a HEADERS frame with END_HEADERS, or the CONTINUATION frame
// that ends it; RFC 9113 4.1, 6.2, 6.10); nullopt until it has arrived.
[[nodiscard]] std::optional<size_t> http2_first_header_block_end(Bytes stream) noexcept;

enum class BodyFraming : uint8_t {
  kLength,   // Content-Length (0 when absent)
  kChunked,  // a Transfer-Encoding: not accepted (411), since we do not read chunked bodies
  kInvalid,  // a Content-Length that is not a number, or several that disagree (400)
};

struct BodyLength {
  BodyFraming framing = BodyFraming::kLength;
  uint64_t length = 0;
};

// How the body after an HTTP/1 head is framed (RFC 9112 6.3). Stricter than the capture
// library's declared_body_length, because here a wrong answer desynchronises the connection.
[[nodiscard]] BodyLength request_body_length(const std::vector<http::Header>& headers) noexcept;

// Whether the connection stays open after this request (RFC 9112 9.3): HTTP/1.1 unless
// "Connection: close", HTTP/1.0 only with "Connection: keep-alive".
[[nodiscard]] bool wants_keep_alive(const http::HttpRequest& request) noexcept;

// Whether the request asks for "100 Continue" before sending its body (RFC 9110 10.1.1).
[[nodiscard]] bool expects_continue(const http::HttpRequest& request) noexcept;

// The percent-decoded path of a request target: origin-form ("/a%20b?q" -> "/a b"),
// absolute-form ("https://h/p" -> "/p") or "*". nullopt for anything else.
[[nodiscard]] std::optional<std::string> decoded_path(std::string_view target);

// The Request for a parsed head (HTTP/1, or HTTP/2 pseudo-headers mapped to method and
// target): path decoded, headers in order, peer, request id. nullopt when the target has no
// path we understand (a 400).
[[nodiscard]] std::optional<Request> make_request(const http::HttpRequest& head,
                                                  std::string_view peer);

// The client's X-Request-Id when it is usable as is (server/request_id.h), else a new one.
[[nodiscard]] std::string request_id_for(const HeaderList& headers);

// Standard reason phrase ("Not Found"); "Unknown" for codes without one.
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

// A handler's extra header can be written as is: a token name and a value without CR, LF or
// NUL (header injection), and not one the listener writes itself (Content-Length, Connection,
// Transfer-Encoding ...).
[[nodiscard]] bool writable_header(std::string_view name, std::string_view value) noexcept;

// Status codes whose responses carry no content (RFC 9110 6.4.1): 1xx, 204, 304.
[[nodiscard]] bool status_without_content(int status) noexcept;

// The HTTP/1.1 response: status line, Content-Type, Content-Length, X-Request-Id, the
// handler's writable headers in order, "Connection: close" when `close`, then the body (none
// for HEAD, whose Content-Length still gives the body's size, or a status without content).
[[nodiscard]] std::string http1_response(const Response& response, std::string_view request_id,
                                         bool head_request, bool close);

// A response the listener makes itself (400, 411, 413, 431 ...): an RFC 9457 problem
// (server/problem.h) titled with the reason phrase.
[[nodiscard]] Response listener_problem(int status, std::string_view slug, std::string_view detail,
                                        std::string_view request_id = {});

}  // namespace fp::server::detail
