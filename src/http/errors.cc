#include <iterator>

#include "http/http1.h"
#include "http/http2.h"

namespace fp::http {

std::string_view describe(Http1Error error) noexcept {
  switch (error) {
    case Http1Error::kNone:
      return "no error";
    case Http1Error::kBadRequestLine:
      return "request line is not METHOD SP target SP HTTP/x.y";
    case Http1Error::kBadHeader:
      return "header line without ':' or with an invalid name";
    case Http1Error::kTooLarge:
      return "request head exceeds the size limit";
    case Http1Error::kTooManyHeaders:
      return "more header fields than the limit";
  }
  return "unknown error";
}

std::string_view describe(Http2Error error) noexcept {
  switch (error) {
    case Http2Error::kNoMagic:
      return "stream does not start with the HTTP/2 client preface";
    case Http2Error::kTruncated:
      return "bytes end before the first SETTINGS frame is complete";
    case Http2Error::kBadFrame:
      return "frame length or padding is invalid";
    case Http2Error::kBadHeaderBlock:
      return "HPACK header block does not decode";
    case Http2Error::kTooLarge:
      return "too many frames or an oversized header block";
  }
  return "unknown error";
}

std::string_view frame_type_name(uint8_t type) noexcept {
  static constexpr std::string_view kNames[] = {
      "DATA",         "HEADERS", "PRIORITY", "RST_STREAM",    "SETTINGS",
      "PUSH_PROMISE", "PING",    "GOAWAY",   "WINDOW_UPDATE", "CONTINUATION"};
  return type < std::size(kNames) ? kNames[type] : "UNKNOWN";
}

}  // namespace fp::http
