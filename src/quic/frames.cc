#include "quic/frames.h"

#include <optional>

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

// Frames that are a fixed number of varints after their type (RFC 9000 19): a table, not a
// switch (STYLE.md 5).
struct VarintFrame {
  uint64_t type;
  uint64_t varints;
};
constexpr VarintFrame kVarintFrames[] = {
    {0x00, 0}, {0x01, 0},  // PADDING, PING
    {0x04, 3},             // RESET_STREAM
    {0x05, 2},             // STOP_SENDING
    {0x10, 1},             // MAX_DATA
    {0x11, 2},             // MAX_STREAM_DATA
    {0x12, 1}, {0x13, 1},  // MAX_STREAMS
    {0x14, 1},             // DATA_BLOCKED
    {0x15, 2},             // STREAM_DATA_BLOCKED
    {0x16, 1}, {0x17, 1},  // STREAMS_BLOCKED
    {0x19, 1},             // RETIRE_CONNECTION_ID
    {0x1e, 0},             // HANDSHAKE_DONE
};

constexpr uint64_t kStreamFirst = 0x08, kStreamLast = 0x0f;  // RFC 9000 19.8
constexpr uint8_t kStreamOff = 0x04, kStreamLen = 0x02, kStreamFin = 0x01;

bool skip_length_prefixed(ByteReader& r) {
  const auto length = read_varint(r);
  return length && r.skip(*length);
}

// RFC 9000 19.15: Sequence Number, Retire Prior To, Length (1 byte), Connection ID, 16-byte
// Stateless Reset Token.
bool skip_new_connection_id(ByteReader& r) {
  if (!skip_varints(r, 2)) return false;
  const auto length = r.u8();
  return length && r.skip(*length) && r.skip(16);
}

bool read_stream(ByteReader& r, uint64_t type, std::vector<StreamFrame>& out) {
  StreamFrame f;
  const auto id = read_varint(r);
  if (!id) return false;
  f.stream_id = *id;
  if (type & kStreamOff) {
    const auto offset = read_varint(r);
    if (!offset) return false;
    f.offset = *offset;
  }
  std::optional<uint64_t> length = r.remaining();  // no Length: the frame fills the packet
  if (type & kStreamLen) length = read_varint(r);
  const auto data = length ? r.bytes(*length) : std::nullopt;
  if (!data) return false;
  f.data = *data;
  f.fin = (type & kStreamFin) != 0;
  out.push_back(f);
  return true;
}

// One frame of a 1-RTT payload after its type; false when it is malformed or unknown.
bool read_one_rtt_frame(ByteReader& r, uint64_t type, StreamFrames& out) {
  for (const VarintFrame& f : kVarintFrames) {
    if (f.type == type) return skip_varints(r, f.varints);
  }
  if (type >= kStreamFirst && type <= kStreamLast) return read_stream(r, type, out.streams);
  switch (type) {
    case frame::kAck:
    case frame::kAckEcn:
      return skip_ack(r, type == frame::kAckEcn);
    case frame::kCrypto:
      return skip_varints(r, 1) && skip_length_prefixed(r);
    case 0x07:  // NEW_TOKEN
    case 0x31:  // DATAGRAM with Length (RFC 9221 4)
      return skip_length_prefixed(r);
    case 0x18:
      return skip_new_connection_id(r);
    case 0x1a:  // PATH_CHALLENGE
    case 0x1b:  // PATH_RESPONSE
      return r.skip(8);
    case frame::kConnectionClose:
      return skip_connection_close(r);
    case 0x1d:  // CONNECTION_CLOSE, application variant: no Frame Type
      return skip_varints(r, 1) && skip_length_prefixed(r);
    case 0x30:  // DATAGRAM without Length: the rest of the packet
      return r.skip(r.remaining());
    default:
      return false;
  }
}

}  // namespace

StreamFrames read_stream_frames(Bytes payload) noexcept {
  StreamFrames out;
  ByteReader r(payload);
  try {
    while (!r.empty()) {
      const auto type = read_varint(r);
      if (!type || !read_one_rtt_frame(r, *type, out)) {
        out.malformed = true;
        break;
      }
    }
  } catch (...) {  // bad_alloc: the frames read so far
    out.malformed = true;
  }
  return out;
}

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
