#include "quic/frames.h"

#include "quic/packet.h"

namespace fp::quic {
namespace {

namespace frame {  // RFC 9000 19
constexpr uint64_t kPadding = 0x00;
constexpr uint64_t kPing = 0x01;
constexpr uint64_t kAck = 0x02;
constexpr uint64_t kAckEcn = 0x03;
constexpr uint64_t kCrypto = 0x06;
constexpr uint64_t kConnectionClose = 0x1c;
}  // namespace frame

bool skip_varints(ByteReader& r, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    if (!read_varint(r)) return false;
  }
  return true;
}

// RFC 9000 19.3: Largest Acknowledged, ACK Delay, ACK Range Count, First ACK Range, then
// Range Count (Gap, ACK Range Length) pairs, then three ECN counts for type 0x03.
bool skip_ack(ByteReader& r, bool ecn) {
  if (!skip_varints(r, 2)) return false;
  const auto ranges = read_varint(r);
  // Each range takes at least two bytes: a count past that is a lie, not worth looping over.
  if (!ranges || *ranges > r.remaining() / 2 || !skip_varints(r, 1 + 2 * *ranges)) return false;
  return !ecn || skip_varints(r, 3);
}

// RFC 9000 19.19, transport variant: Error Code, Frame Type, Reason Phrase.
bool skip_connection_close(ByteReader& r) {
  if (!skip_varints(r, 2)) return false;
  const auto reason = read_varint(r);
  return reason && r.skip(*reason);
}

}  // namespace

InitialFrames read_initial_frames(Bytes payload) noexcept {
  InitialFrames out;
  ByteReader r(payload);
  try {
    while (!r.empty()) {
      const auto type = read_varint(r);
      bool ok = type.has_value();
      if (!ok) {
      } else if (*type == frame::kPadding || *type == frame::kPing) {
      } else if (*type == frame::kAck || *type == frame::kAckEcn) {
        ok = skip_ack(r, *type == frame::kAckEcn);
      } else if (*type == frame::kConnectionClose) {
        ok = skip_connection_close(r);
      } else if (*type == frame::kCrypto) {
        const auto offset = read_varint(r);
        const auto length = offset ? read_varint(r) : std::nullopt;
        const auto data = length ? r.bytes(*length) : std::nullopt;
        ok = data.has_value();
        if (ok) out.crypto.push_back({*offset, *data});
      } else {
        ok = false;
      }
      if (!ok) {
        out.malformed = true;
        break;
      }
    }
  } catch (...) {  // bad_alloc: the frames read so far
    out.malformed = true;
  }
  return out;
}

}  // namespace fp::quic
