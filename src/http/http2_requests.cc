#include "http/http2_requests.h"

#include <optional>
#include <string_view>

#include "core/limits.h"
#include "http/hpack.h"
#include "http/text.h"

namespace fp::http {
namespace {

constexpr uint8_t kFrameHeaders = 0x1;
constexpr uint8_t kFrameContinuation = 0x9;
constexpr uint8_t kFlagEndHeaders = 0x4;
constexpr uint8_t kFlagPadded = 0x8;
constexpr uint8_t kFlagPriority = 0x20;
constexpr uint32_t kStreamIdMask = 0x7fffffff;
constexpr size_t kFrameHeader = 9;
constexpr size_t kPriorityBlock = 5;
// The decoder accepts dynamic table size updates up to this (the encoder may use what the
// server's SETTINGS_HEADER_TABLE_SIZE allowed, which we do not follow).
constexpr size_t kMaxDynamicTable = 64 * 1024;

}  // namespace

struct Http2RequestReader::State {
  HpackDecoder decoder{kMaxDynamicTable};  // one context for the connection (RFC 7541 2.2)
  bool magic_seen = false;
  bool failed = false;
  uint32_t block_stream = 0;  // the stream whose header block is open, 0 when none
  uint32_t last_request_stream = 0;
  std::vector<uint8_t> block;

  Result<bool, Http2Error> on_frame(uint8_t type, uint8_t flags, uint32_t stream, Bytes payload,
                                    std::vector<HttpRequest>& out) {
    if (block_stream != 0) {
      if (type != kFrameContinuation || stream != block_stream) {
        return Unexpected{Http2Error::kBadFrame};
      }
      return append(payload, flags, out);
    }
    if (type == kFrameContinuation) return Unexpected{Http2Error::kBadFrame};
    if (type != kFrameHeaders) return true;  // SETTINGS, DATA, PRIORITY ...: nothing to decode
    if (stream == 0) return Unexpected{Http2Error::kBadFrame};
    ByteReader r(payload);
    size_t padding = 0;
    if (flags & kFlagPadded) {
      const auto pad = r.u8();
      if (!pad) return Unexpected{Http2Error::kBadFrame};
      padding = *pad;
    }
    if ((flags & kFlagPriority) && !r.skip(kPriorityBlock)) {
      return Unexpected{Http2Error::kBadFrame};
    }
    if (padding > r.remaining()) return Unexpected{Http2Error::kBadFrame};
    block_stream = stream;
    block.clear();
    return append(*r.bytes(r.remaining() - padding), flags, out);
  }

  Result<bool, Http2Error> append(Bytes fragment, uint8_t flags, std::vector<HttpRequest>& out) {
    if (block.size() + fragment.size() > limits::kMaxHttp2HeaderBlock) {
      return Unexpected{Http2Error::kTooLarge};
    }
    block.insert(block.end(), fragment.begin(), fragment.end());
    if (!(flags & kFlagEndHeaders)) return true;
    auto headers = decode(block);
    if (!headers) return Unexpected{headers.error()};
    // Client streams only grow (RFC 9113 5.1.1): a block on an older stream is its trailers.
    if (block_stream > last_request_stream) {
      last_request_stream = block_stream;
      out.push_back(http2_request(std::move(headers).value()));
    }
    block_stream = 0;
    return true;
  }

  Result<std::vector<Header>, Http2Error> decode(Bytes in) {
    return decoder.decode(in, limits::kMaxHttp2HeaderBlock);
  }
};

Http2RequestReader::Http2RequestReader() noexcept {
  try {
    state_ = std::make_unique<State>();
  } catch (...) {
    state_.reset();  // feed reports kTooLarge
  }
}

Http2RequestReader::~Http2RequestReader() = default;

Result<size_t, Http2Error> Http2RequestReader::feed(Bytes bytes,
                                                    std::vector<HttpRequest>& out) noexcept {
  if (!state_ || state_->failed) return Unexpected{Http2Error::kTooLarge};
  State& s = *state_;
  size_t used = 0;
  try {
    if (!s.magic_seen) {
      const std::string_view text = as_text(bytes);
      const size_t n = std::min(text.size(), kHttp2ClientMagic.size());
      if (text.substr(0, n) != kHttp2ClientMagic.substr(0, n)) {
        s.failed = true;
        return Unexpected{Http2Error::kNoMagic};
      }
      if (n < kHttp2ClientMagic.size()) return size_t{0};
      s.magic_seen = true;
      used = kHttp2ClientMagic.size();
    }
    for (;;) {
      ByteReader r(bytes.subspan(used));
      const auto length = r.u24();
      const auto type = r.u8();
      const auto flags = r.u8();
      const auto stream = r.u32();
      if (!length || !type || !flags || !stream) break;
      const auto payload = r.bytes(*length);
      if (!payload) break;
      auto step = s.on_frame(*type, *flags, *stream & kStreamIdMask, *payload, out);
      if (!step) {
        s.failed = true;
        return Unexpected{step.error()};
      }
      used += kFrameHeader + *length;
    }
  } catch (...) {
    s.failed = true;
    return Unexpected{Http2Error::kTooLarge};
  }
  return used;
}

}  // namespace fp::http
