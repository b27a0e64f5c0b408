#include "quic/http3_settings.h"

#include <string>

#include "core/hash.h"
#include "quic/limits.h"
#include "quic/packet.h"

namespace fp::quic {
namespace {

constexpr uint64_t kControlStreamType = 0x00;  // RFC 9114 6.2.1
constexpr uint64_t kSettingsFrameType = 0x04;  // RFC 9114 7.2.4

Result<Http3Settings, Http3Error> read_settings(Bytes frame) noexcept {
  Http3Settings out;
  ByteReader r(frame);
  while (!r.empty()) {
    if (out.settings.size() == limits::kMaxHttp3Settings) return Unexpected{Http3Error::kTooMany};
    const auto id = read_varint(r);
    const auto value = id ? read_varint(r) : std::nullopt;
    if (!value) return Unexpected{Http3Error::kMalformed};
    out.settings.push_back({*id, *value});
  }
  return out;
}

}  // namespace

std::string_view describe(Http3Error error) noexcept {
  switch (error) {
    case Http3Error::kNeedMore:
      return "control stream ends before its SETTINGS frame";
    case Http3Error::kNotControlStream:
      return "not an HTTP/3 control stream";
    case Http3Error::kNotSettings:
      return "control stream does not start with SETTINGS";
    case Http3Error::kMalformed:
      return "SETTINGS pair runs past the frame";
    case Http3Error::kTooMany:
      return "too many HTTP/3 settings";
  }
  return "unknown HTTP/3 error";
}

Result<Http3Settings, Http3Error> parse_control_stream_settings(Bytes stream) noexcept {
  ByteReader r(stream);
  const auto stream_type = read_varint(r);
  if (!stream_type) return Unexpected{Http3Error::kNeedMore};
  if (*stream_type != kControlStreamType) return Unexpected{Http3Error::kNotControlStream};
  const auto frame_type = read_varint(r);
  const auto length = frame_type ? read_varint(r) : std::nullopt;
  if (!length) return Unexpected{Http3Error::kNeedMore};
  if (*frame_type != kSettingsFrameType) return Unexpected{Http3Error::kNotSettings};
  const auto frame = r.bytes(*length);
  if (!frame) return Unexpected{Http3Error::kNeedMore};
  return read_settings(*frame);
}

Fingerprint http3_settings_fingerprint(const Http3Settings& settings) {
  std::string raw;
  for (const Http3Setting& s : settings.settings) {
    if (!raw.empty()) raw += ';';
    raw += is_grease_http3_setting(s.id) ? std::string("GREASE")
                                         : std::to_string(s.id) + ":" + std::to_string(s.value);
  }
  return {raw, sha256_hex12(raw)};
}

}  // namespace fp::quic
