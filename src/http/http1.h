#pragma once
// HTTP/1.x request head parser (RFC 9112 2-5): request line and header fields up to the empty
// line. Incremental: NeedMore until the head is complete, as picohttpparser does.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/byte_reader.h"
#include "http/request.h"

namespace fp::http {

enum class Http1Error : uint8_t {
  kNone,
  kBadRequestLine,  // not "METHOD SP target SP HTTP/x.y"
  kBadHeader,       // a header line without ':' or with an invalid name
  kTooLarge,        // head longer than limits::kMaxHttpHead
  kTooManyHeaders,  // more than limits::kMaxHttpHeaders fields
};

[[nodiscard]] std::string_view describe(Http1Error error) noexcept;

enum class ParseStatus : uint8_t { kNeedMore, kDone, kError };

struct Http1Parse {
  ParseStatus status = ParseStatus::kNeedMore;
  size_t consumed = 0;  // bytes of the head including the final CRLF CRLF, when kDone
  Http1Error error = Http1Error::kNone;
  HttpRequest request;
};

[[nodiscard]] Http1Parse parse_http1_request(Bytes data) noexcept;

// A cheap test on the first bytes of a stream: an uppercase token followed by a space, as every
// request method is. Lets the capture layer try HTTP/1 on any port.
[[nodiscard]] bool looks_like_http1_request(Bytes data) noexcept;

// Length of the request body that follows a head (Content-Length; 0 when absent or chunked,
// since a chunked body's size is only known by reading it).
[[nodiscard]] size_t declared_body_length(const HttpRequest& request) noexcept;

}  // namespace fp::http
