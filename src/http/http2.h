#pragma once
// HTTP/2 connection preface (RFC 9113 3.4): the client magic and the frames that follow it, up
// to the end of the first request's header block, with that block HPACK-decoded.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "http/request.h"

namespace fp::http {

inline constexpr std::string_view kHttp2ClientMagic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// How the first bytes of a stream compare with the client magic (RFC 9113 3.4): kYes once all
// 24 bytes match, kMaybe while the bytes so far are a prefix of it, kNo otherwise.
enum class MagicMatch : uint8_t { kNo, kMaybe, kYes };
[[nodiscard]] MagicMatch match_http2_magic(Bytes b) noexcept;

// A request from one decoded header block, in the order sent: method and target from the first
// `:method` and `:path`, version "HTTP/2".
[[nodiscard]] HttpRequest http2_request(std::vector<Header> headers);

struct Http2Setting {
  uint16_t id = 0;
  uint32_t value = 0;
};

struct Http2Priority {
  uint32_t stream_id = 0;
  bool exclusive = false;
  uint32_t depends_on = 0;
  uint16_t weight = 0;  // 1..256: the wire byte plus one, as RFC 9113 5.3.2 defines it
};

struct Http2FrameInfo {
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream_id = 0;
  uint32_t length = 0;
};

// RFC 9113 6 frame type names ("SETTINGS"); "UNKNOWN" for extension types.
[[nodiscard]] std::string_view frame_type_name(uint8_t type) noexcept;

struct Http2Preface {
  std::vector<Http2Setting> settings;     // from every client SETTINGS frame, in order sent
  std::vector<uint32_t> window_updates;   // connection-level (stream 0) increments, in order
  std::vector<Http2Priority> priorities;  // PRIORITY frames, in order
  std::optional<Http2Priority> headers_priority;  // the first HEADERS frame's priority block
  std::optional<HttpRequest> request;             // first request: pseudo-headers first, as sent
  std::vector<Http2FrameInfo> frames;             // every frame read, in order
  bool complete = false;                          // the first header block ended (END_HEADERS)
};

enum class Http2Error : uint8_t {
  kNoMagic,         // the stream does not start with the client connection preface
  kTruncated,       // the bytes end before the first SETTINGS frame is whole
  kBadFrame,        // a frame length or padding that cannot be right
  kBadHeaderBlock,  // HPACK decoding failed
  kTooLarge,        // more than limits::kMaxHttp2PrefaceFrames frames or an oversized block
};

[[nodiscard]] std::string_view describe(Http2Error error) noexcept;

// `client_stream` starts with the magic. Frames after an incomplete last frame are ignored;
// what was read is returned as long as the first SETTINGS frame is whole.
[[nodiscard]] Result<Http2Preface, Http2Error> parse_http2_preface(Bytes client_stream) noexcept;

// The same, for frames that follow the magic (as a server's frame callbacks see them).
[[nodiscard]] Result<Http2Preface, Http2Error> parse_http2_frames(Bytes frames) noexcept;

}  // namespace fp::http
