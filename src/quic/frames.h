#pragma once
// The frames of a decrypted Initial packet payload (RFC 9000 12.4, 19): PADDING, PING, ACK and
// CONNECTION_CLOSE are stepped over, CRYPTO frames collected. Any other frame type is not
// allowed in an Initial packet (RFC 9000 Table 3), so reading stops there.

#include <cstdint>
#include <vector>

#include "core/byte_reader.h"

namespace fp::quic {

struct CryptoFrame {
  uint64_t offset = 0;
  Bytes data;  // a view into the payload
};

struct InitialFrames {
  std::vector<CryptoFrame> crypto;  // in the order sent
  bool malformed = false;           // a frame ran past the payload, or an unexpected type
};

// `payload` is an Initial packet's plaintext. The views in the result point into it.
[[nodiscard]] InitialFrames read_initial_frames(Bytes payload) noexcept;

struct StreamFrame {
  uint64_t stream_id = 0;
  uint64_t offset = 0;
  Bytes data;  // a view into the payload
  bool fin = false;
};

struct StreamFrames {
  std::vector<StreamFrame> streams;  // in the order sent
  bool malformed = false;            // a frame ran past the payload, or an unknown type
};

// `payload` is a 1-RTT packet's plaintext: every frame type of RFC 9000 19 (and RFC 9221
// DATAGRAM) is stepped over and STREAM frames collected; reading stops at an unknown type, as
// its length cannot be known. The views in the result point into `payload`.
[[nodiscard]] StreamFrames read_stream_frames(Bytes payload) noexcept;

}  // namespace fp::quic
