#include "http/http2.h"

#include <algorithm>
#include <optional>

#include "core/limits.h"
#include "http/hpack.h"
#include "http/text.h"

namespace fp::http {

HttpRequest http2_request(std::vector<Header> headers) {
  HttpRequest request;
  request.version = "HTTP/2";
  for (const Header& h : headers) {
    if (h.name == ":method" && request.method.empty()) request.method = h.value;
    if (h.name == ":path" && request.target.empty()) request.target = h.value;
  }
  request.headers = std::move(headers);
  return request;
}

MagicMatch match_http2_magic(Bytes b) noexcept {
  const size_t n = std::min(b.size(), kHttp2ClientMagic.size());
  if (!std::equal(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n),
                  kHttp2ClientMagic.begin())) {
    return MagicMatch::kNo;
  }
  return n == kHttp2ClientMagic.size() ? MagicMatch::kYes : MagicMatch::kMaybe;
}
namespace {

// RFC 9113 6: frame types and flags this parser reads.
constexpr uint8_t kFrameHeaders = 0x1;
constexpr uint8_t kFramePriority = 0x2;
constexpr uint8_t kFrameSettings = 0x4;
constexpr uint8_t kFrameWindowUpdate = 0x8;
constexpr uint8_t kFrameContinuation = 0x9;
constexpr uint8_t kFlagAck = 0x1;
constexpr uint8_t kFlagEndHeaders = 0x4;
constexpr uint8_t kFlagPadded = 0x8;
constexpr uint8_t kFlagPriority = 0x20;
constexpr uint32_t kStreamIdMask = 0x7fffffff;  // the reserved bit R is ignored on receipt
constexpr size_t kSettingSize = 6;
constexpr size_t kTypicalFrames = 8;

struct Frame {
  Http2FrameInfo info;
  Bytes payload;
};

// One whole frame (RFC 9113 4.1), or nullopt with `r` unmoved when the bytes end first.
std::optional<Frame> read_frame(ByteReader& r) noexcept {
  ByteReader peek = r;
  const auto length = peek.u24();
  const auto type = peek.u8();
  const auto flags = peek.u8();
  const auto stream = peek.u32();
  if (!length || !type || !flags || !stream) return std::nullopt;
  const auto payload = peek.bytes(*length);
  if (!payload) return std::nullopt;
  r = peek;
  return Frame{{*type, *flags, *stream & kStreamIdMask, *length}, *payload};
}

// The 5-byte priority block of PRIORITY frames and of HEADERS with the PRIORITY flag (RFC 9113
// 6.3). The weight is stored as 1..256, the wire byte plus one.
std::optional<Http2Priority> read_priority(ByteReader& r, uint32_t stream_id) noexcept {
  const auto dependency = r.u32();
  const auto weight = r.u8();
  if (!dependency || !weight) return std::nullopt;
  return Http2Priority{stream_id, (*dependency >> 31) != 0, *dependency & kStreamIdMask,
                       static_cast<uint16_t>(*weight + 1)};
}

enum class Step : uint8_t { kContinue, kStop };

// Reads frames in order until the first request's header block ends. An explicit state
// machine: before the first SETTINGS, between frames, and inside a HEADERS + CONTINUATION run.
class PrefaceReader {
 public:
  // A browser's preface is 3 to 6 frames: one allocation instead of one per doubling.
  PrefaceReader() { out_.frames.reserve(kTypicalFrames); }

  Result<Step, Http2Error> on_frame(const Frame& frame) {
    out_.frames.push_back(frame.info);
    if (out_.frames.size() > limits::kMaxHttp2PrefaceFrames) {
      return Unexpected{Http2Error::kTooLarge};
    }
    if (!seen_settings_) {
      // RFC 9113 3.4: the preface's first frame is a (possibly empty) SETTINGS frame.
      if (frame.info.type != kFrameSettings || (frame.info.flags & kFlagAck)) {
        return Unexpected{Http2Error::kBadFrame};
      }
      seen_settings_ = true;
    }
    if (block_stream_ != 0) return on_continuation(frame);
    switch (frame.info.type) {
      case kFrameSettings:
        return on_settings(frame);
      case kFrameWindowUpdate:
        return on_window_update(frame);
      case kFramePriority:
        return on_priority(frame);
      case kFrameHeaders:
        return on_headers(frame);
      case kFrameContinuation:
        return Unexpected{Http2Error::kBadFrame};  // none expected
      default:
        return Step::kContinue;  // DATA, PING, unknown types...: recorded, not used
    }
  }

  [[nodiscard]] bool seen_settings() const noexcept { return seen_settings_; }
  Http2Preface take() { return std::move(out_); }

 private:
  Result<Step, Http2Error> on_settings(const Frame& frame) {
    if (frame.info.stream_id != 0) return Unexpected{Http2Error::kBadFrame};
    if (frame.info.flags & kFlagAck) {
      // The acknowledgement of the server's SETTINGS says nothing about the client.
      if (frame.info.length != 0) return Unexpected{Http2Error::kBadFrame};
      return Step::kContinue;
    }
    if (frame.payload.size() % kSettingSize != 0) return Unexpected{Http2Error::kBadFrame};
    ByteReader r(frame.payload);
    out_.settings.reserve(out_.settings.size() + frame.payload.size() / kSettingSize);
    while (!r.empty()) {
      const auto id = r.u16();
      const auto value = r.u32();
      if (!id || !value) return Unexpected{Http2Error::kBadFrame};
      out_.settings.push_back({*id, *value});
    }
    return Step::kContinue;
  }

  Result<Step, Http2Error> on_window_update(const Frame& frame) {
    ByteReader r(frame.payload);
    const auto increment = r.u32();
    if (!increment || !r.empty()) return Unexpected{Http2Error::kBadFrame};
    if (frame.info.stream_id == 0) out_.window_updates.push_back(*increment & kStreamIdMask);
    return Step::kContinue;
  }

  Result<Step, Http2Error> on_priority(const Frame& frame) {
    ByteReader r(frame.payload);
    const auto priority = read_priority(r, frame.info.stream_id);
    if (!priority || !r.empty()) return Unexpected{Http2Error::kBadFrame};
    out_.priorities.push_back(*priority);
    return Step::kContinue;
  }

  // RFC 9113 6.2: [pad length] [priority block] fragment [padding].
  Result<Step, Http2Error> on_headers(const Frame& frame) {
    if (frame.info.stream_id == 0) return Unexpected{Http2Error::kBadFrame};
    ByteReader r(frame.payload);
    size_t padding = 0;
    if (frame.info.flags & kFlagPadded) {
      const auto pad = r.u8();
      if (!pad) return Unexpected{Http2Error::kBadFrame};
      padding = *pad;
    }
    if (frame.info.flags & kFlagPriority) {
      out_.headers_priority = read_priority(r, frame.info.stream_id);
      if (!out_.headers_priority) return Unexpected{Http2Error::kBadFrame};
    }
    if (padding > r.remaining()) return Unexpected{Http2Error::kBadFrame};
    const auto fragment = r.bytes(r.remaining() - padding);
    block_stream_ = frame.info.stream_id;
    return append_fragment(*fragment, frame.info.flags);
  }

  Result<Step, Http2Error> on_continuation(const Frame& frame) {
    // RFC 9113 6.10: nothing may come between HEADERS and its CONTINUATION frames.
    if (frame.info.type != kFrameContinuation || frame.info.stream_id != block_stream_) {
      return Unexpected{Http2Error::kBadFrame};
    }
    return append_fragment(frame.payload, frame.info.flags);
  }

  Result<Step, Http2Error> append_fragment(Bytes fragment, uint8_t flags) {
    if (block_.size() + fragment.size() > limits::kMaxHttp2HeaderBlock) {
      return Unexpected{Http2Error::kTooLarge};
    }
    const bool ends = flags & kFlagEndHeaders;
    // A block in one HEADERS frame (what browsers send) is decoded where it lies.
    if (block_.empty() && ends) return decode_block(fragment);
    block_.insert(block_.end(), fragment.begin(), fragment.end());
    if (!ends) return Step::kContinue;
    return decode_block(block_);
  }

  Result<Step, Http2Error> decode_block(Bytes block) {
    auto headers = hpack_decode(block, limits::kMaxHttp2HeaderBlock);
    if (!headers) return Unexpected{headers.error()};
    out_.request = http2_request(std::move(headers).value());
    out_.complete = true;
    return Step::kStop;
  }

  Http2Preface out_;
  bool seen_settings_ = false;
  uint32_t block_stream_ = 0;  // the stream whose header block is open, 0 when none
  std::vector<uint8_t> block_;
};

Result<Http2Preface, Http2Error> read_frames(Bytes frames) {
  PrefaceReader reader;
  ByteReader r(frames);
  while (auto frame = read_frame(r)) {
    auto step = reader.on_frame(*frame);
    if (!step) return Unexpected{step.error()};
    if (*step == Step::kStop) break;
  }
  if (!reader.seen_settings()) return Unexpected{Http2Error::kTruncated};
  return reader.take();
}

}  // namespace

Result<Http2Preface, Http2Error> parse_http2_frames(Bytes frames) noexcept {
  try {
    return read_frames(frames);
  } catch (...) {
    return Unexpected{Http2Error::kTooLarge};  // allocation failure
  }
}

Result<Http2Preface, Http2Error> parse_http2_preface(Bytes client_stream) noexcept {
  const std::string_view text = as_text(client_stream);
  if (text.size() < kHttp2ClientMagic.size()) {
    if (kHttp2ClientMagic.starts_with(text)) return Unexpected{Http2Error::kTruncated};
    return Unexpected{Http2Error::kNoMagic};
  }
  if (!text.starts_with(kHttp2ClientMagic)) return Unexpected{Http2Error::kNoMagic};
  return parse_http2_frames(client_stream.subspan(kHttp2ClientMagic.size()));
}

}  // namespace fp::http
