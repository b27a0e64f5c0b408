#pragma once
// The SETTINGS frame a client opens its HTTP/3 control stream with (RFC 9114 6.2.1, 7.2.4), and
// our fingerprint of it (docs/fingerprints.md, "HTTP/3 SETTINGS (ours)").
//
// parse_control_stream_settings() reads the first bytes of a client's control stream: the
// stream type varint (0x00), then the first frame, which must be SETTINGS (type 0x04): a length
// varint and (id varint, value varint) pairs in wire order, at most
// limits::kMaxHttp3Settings. Errors: kNeedMore (the bytes end before the frame does),
// kNotControlStream (another stream type), kNotSettings (another first frame, RFC 9114 6.2.1
// makes that a connection error), kMalformed (a pair runs past the frame), kTooMany.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/fingerprint.h"
#include "core/result.h"

namespace fp::quic {

enum class Http3Error : uint8_t {
  kNeedMore,          // the stream bytes end inside the stream type or the SETTINGS frame
  kNotControlStream,  // the stream type is not 0x00
  kNotSettings,       // the first frame is not SETTINGS
  kMalformed,         // an id or value runs past the frame's length
  kTooMany,           // more than limits::kMaxHttp3Settings pairs
};

[[nodiscard]] std::string_view describe(Http3Error error) noexcept;

struct Http3Setting {
  uint64_t id = 0;
  uint64_t value = 0;
};

struct Http3Settings {
  std::vector<Http3Setting> settings;  // wire order, GREASE kept
};

[[nodiscard]] Result<Http3Settings, Http3Error> parse_control_stream_settings(
    Bytes stream) noexcept;

// RFC 9114 7.2.4.1: setting ids of the form 0x1f * N + 0x21 are reserved (GREASE).
[[nodiscard]] constexpr bool is_grease_http3_setting(uint64_t id) noexcept {
  return id >= 0x21 && (id - 0x21) % 0x1f == 0;
}

// `id:value` (decimal, as Akamai's HTTP/2 SETTINGS part) in wire order joined by `;`; a GREASE
// setting is written `GREASE` (its id and value are random). The hash is the first 12 hex
// digits of the raw string's SHA-256; an empty SETTINGS frame gives "" and `000000000000`.
[[nodiscard]] Fingerprint http3_settings_fingerprint(const Http3Settings& settings);

}  // namespace fp::quic
