#include "server/listener_wire.h"

#include <strings.h>

#include <array>
#include <boost/url/parse.hpp>
#include <utility>

#include "server/problem.h"
#include "server/request_id.h"
#include "tls/handshake.h"

namespace fp::server::detail {
namespace {

constexpr size_t kTlsRecordHeader = 5;
constexpr size_t kHttp2FrameHeader = 9;
constexpr uint8_t kHttp2Headers = 0x1;
constexpr uint8_t kHttp2Continuation = 0x9;
constexpr uint8_t kHttp2EndHeaders = 0x4;
constexpr std::string_view kHttp2Magic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool hello_in(Bytes records) noexcept {
  const tls::HandshakeScan scan = tls::scan_handshake(records, 1);
  return !scan.messages.empty();
}

// The shortest run of whole records that holds the hello. The scanner says whether a prefix
// completes it but not where; records are few, so each boundary is tried in turn.
size_t records_holding_hello(Bytes received) noexcept {
  ByteReader reader(received);
  while (reader.remaining() >= kTlsRecordHeader) {
    ByteReader header(reader.rest());
    (void)header.skip(3);  // type, version
    const uint16_t length = *header.u16();
    if (!reader.skip(kTlsRecordHeader + length)) break;
    if (hello_in(received.first(reader.position()))) return reader.position();
  }
  return received.size();  // not reached: the caller saw the hello complete in `received`
}

// An SSLv2-compatible hello is one record: a 2-byte length with its high bit set, then the body.
size_t sslv2_record_length(Bytes received) noexcept {
  return 2 + ((static_cast<size_t>(received[0] & 0x7f) << 8) | received[1]);
}

// Tokens of a comma-separated header value (Connection, Expect), compared ignoring case.
bool has_token(std::string_view list, std::string_view token) noexcept {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool header_has_token(const http::HttpRequest& request, std::string_view name,
                      std::string_view token) noexcept {
  for (const auto& header : request.headers) {
    if (iequals(header.name, name) && has_token(header.value, token)) return true;
  }
  return false;
}

std::optional<uint64_t> parse_length(std::string_view text) noexcept {
  constexpr size_t kMaxDigits = 18;  // below 2^63: no overflow to check
  if (text.empty() || text.size() > kMaxDigits) return std::nullopt;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

bool is_tchar(char c) noexcept {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kSymbols.find(c) != std::string_view::npos;
}

// No CR, LF or NUL: a value that cannot end its line early and start another header.
bool safe_value(std::string_view value) noexcept {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

HelloProgress client_hello_progress(Bytes received) noexcept {
  const tls::HandshakeScan scan = tls::scan_handshake(received, 1);
  if (scan.status == tls::ScanStatus::kError) {
    return {scan.error == tls::TlsError::kNotTls ? HelloState::kNotTls : HelloState::kInvalid};
  }
  if (scan.messages.empty()) {
    // kDone without a message: an alert or application data came first.
    return {scan.status == tls::ScanStatus::kDone ? HelloState::kInvalid : HelloState::kNeedMore};
  }
  if (scan.messages.front().type != static_cast<uint8_t>(tls::HandshakeType::kClientHello)) {
    return {HelloState::kInvalid};
  }
  const size_t end =
      scan.sslv2_client_hello ? sslv2_record_length(received) : records_holding_hello(received);
  return {HelloState::kComplete, end};
}

std::optional<size_t> http2_first_header_block_end(Bytes stream) noexcept {
  ByteReader reader(stream);
  if (!reader.skip(kHttp2Magic.size())) return std::nullopt;
  while (reader.remaining() >= kHttp2FrameHeader) {
    ByteReader header(reader.rest());
    const uint32_t length = *header.u24();
    const uint8_t type = *header.u8();
    const uint8_t flags = *header.u8();
    if (!reader.skip(kHttp2FrameHeader + length)) return std::nullopt;
    const bool block_frame = type == kHttp2Headers || type == kHttp2Continuation;
    if (block_frame && (flags & kHttp2EndHeaders) != 0) return reader.position();
  }
  return std::nullopt;
}

BodyLength request_body_length(const std::vector<http::Header>& headers) noexcept {
  BodyLength out;
  bool seen_length = false;
  for (const auto& header : headers) {
    if (iequals(header.name, "transfer-encoding")) return {BodyFraming::kChunked};
    if (!iequals(header.name, "content-length")) continue;
    // "Content-Length: 5, 5" or repeated equal fields are allowed (RFC 9110 8.6); any
    // disagreement is not.
    std::string_view values = header.value;
    while (true) {
      const size_t comma = values.find(',');
      std::string_view item = values.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      const std::optional<uint64_t> length = parse_length(item);
      if (!length || (seen_length && *length != out.length)) return {BodyFraming::kInvalid};
      out.length = *length;
      seen_length = true;
      if (comma == std::string_view::npos) break;
      values.remove_prefix(comma + 1);
    }
  }
  return out;
}

bool wants_keep_alive(const http::HttpRequest& request) noexcept {
  if (header_has_token(request, "connection", "close")) return false;
  if (request.version == "HTTP/1.1") return true;
  return header_has_token(request, "connection", "keep-alive");
}

bool expects_continue(const http::HttpRequest& request) noexcept {
  return request.version == "HTTP/1.1" && header_has_token(request, "expect", "100-continue");
}

std::optional<std::string> decoded_path(std::string_view target) {
  if (target == "*") return std::string(target);
  auto url = target.starts_with('/') ? boost::urls::parse_origin_form(target)
                                     : boost::urls::parse_absolute_uri(target);
  // Absolute-form has an authority ("https://host/p"); "host:443" (CONNECT's authority-form)
  // would otherwise read as scheme "host" and path "443".
  if (!url || (!target.starts_with('/') && !url->has_authority())) return std::nullopt;
  std::string path = url->path();
  if (path.empty()) path = "/";
  return path;
}

std::optional<Request> make_request(const http::HttpRequest& head, std::string_view peer) {
  std::optional<std::string> path = decoded_path(head.target);
  if (!path) return std::nullopt;
  Request request;
  request.method = head.method;
  request.target = head.target;
  request.path = std::move(*path);
  request.headers.reserve(head.headers.size());
  for (const auto& header : head.headers) request.headers.emplace_back(header.name, header.value);
  request.peer = peer;
  request.request_id = request_id_for(request.headers);
  return request;
}

std::string request_id_for(const HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (iequals(name, "x-request-id")) {
      return usable_request_id(value) ? value : new_request_id();
    }
  }
  return new_request_id();
}

std::string_view reason_phrase(int status) noexcept {
  static constexpr std::array<std::pair<int, std::string_view>, 29> kPhrases{{
      {100, "Continue"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {411, "Length Required"},
      {413, "Content Too Large"},
      {415, "Unsupported Media Type"},
      {422, "Unprocessable Content"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  }};
  for (const auto& [code, phrase] : kPhrases) {
    if (code == status) return phrase;
  }
  return "Unknown";
}

bool writable_header(std::string_view name, std::string_view value) noexcept {
  static constexpr std::array<std::string_view, 9> kOwnHeaders{
      "content-length",    "content-type",     "connection",
      "transfer-encoding", "keep-alive",       "upgrade",
      "x-request-id",      "proxy-connection", "te"};
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_tchar(c)) return false;
  }
  for (std::string_view own : kOwnHeaders) {
    if (iequals(name, own)) return false;
  }
  return safe_value(value);
}

bool status_without_content(int status) noexcept {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

std::string http1_response(const Response& response, std::string_view request_id, bool head_request,
                           bool close) {
  const bool no_content = status_without_content(response.status);
  std::string out;
  out.reserve(256 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  auto add = [&out](std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
  };
  if (!no_content) {
    if (!response.content_type.empty() && safe_value(response.content_type)) {
      add("Content-Type", response.content_type);
    }
    add("Content-Length", std::to_string(response.body.size()));
  }
  add("X-Request-Id", request_id);
  for (const auto& [name, value] : response.headers) {
    if (writable_header(name, value)) add(name, value);
  }
  if (close) add("Connection", "close");
  out += "\r\n";
  if (!head_request && !no_content) out += response.body;
  return out;
}

Response listener_problem(int status, std::string_view slug, std::string_view detail,
                          std::string_view request_id) {
  return problem(status, slug, reason_phrase(status), detail, {}, request_id);
}

}  // namespace fp::server::detail
