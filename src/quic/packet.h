#pragma once
// QUIC long-header packets (RFC 9000 17.2) and the removal of Initial packet protection
// (RFC 9001 5.3-5.4): header protection with AES-128-ECB, payload with AEAD_AES_128_GCM.
// Several packets may share a datagram (coalesced, RFC 9000 12.2); open_initials() walks them.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "quic/initial_keys.h"

namespace fp::quic {

enum class PacketError : uint8_t {
  kNotLongHeader,      // the first bit is 0 (a short header), or the fixed bit is 0
  kTruncated,          // the datagram ends inside the header or before the packet's Length
  kBadConnectionId,    // a connection ID longer than 20 bytes
  kUnknownVersion,     // not v1 or v2 (Version Negotiation, drafts, others)
  kNotInitial,         // a long-header packet of another type (0-RTT, Handshake, Retry)
  kTooShortForSample,  // fewer than 4 + 16 bytes after the packet number offset
  kDecryptFailed,      // AEAD tag mismatch: wrong keys, or not a QUIC packet at all
  kNotShortHeader,     // open_short_header(): the long header bit is set, or the fixed bit is 0
};

[[nodiscard]] std::string_view describe(PacketError error) noexcept;

// RFC 9000 16: a variable-length integer (1, 2, 4 or 8 bytes).
[[nodiscard]] std::optional<uint64_t> read_varint(ByteReader& r) noexcept;

// RFC 9000 A.3: the full packet number from its truncated form (`pn_bits` bits) and the largest
// packet number received so far in the space (nullopt when none yet).
[[nodiscard]] uint64_t decode_packet_number(std::optional<uint64_t> largest, uint64_t truncated,
                                            unsigned pn_bits) noexcept;

struct LongHeader {
  uint8_t first_byte = 0;  // still protected
  uint32_t version = 0;
  Bytes dcid, scid, token;  // views into the datagram
  size_t pn_offset = 0;     // from the packet's start
  size_t packet_size = 0;   // header and payload, as Length says: where the next packet starts
};

// The Initial packet at the start of `datagram`: header fields up to the protected packet number.
[[nodiscard]] Result<LongHeader, PacketError> parse_initial_header(Bytes datagram) noexcept;

struct InitialPacket {
  uint32_t version = 0;
  std::vector<uint8_t> dcid, scid;
  uint64_t packet_number = 0;
  std::vector<uint8_t> payload;  // the frames, decrypted
};

// Removes the protection of the Initial packet `packet` (exactly `header.packet_size` bytes).
[[nodiscard]] Result<InitialPacket, PacketError> open_initial(
    const LongHeader& header, Bytes packet, const InitialKeys& keys,
    std::optional<uint64_t> largest_pn = std::nullopt) noexcept;

// Every Initial packet of a datagram, in order. Keys come from `key_dcid` when given (a server's
// packets are protected with keys from the client's first DCID), else from each packet's own
// DCID (a client's). Stops at the first packet that is not a long-header packet; other long-
// header types are stepped over. Each entry is an opened packet or why it could not be opened.
[[nodiscard]] std::vector<Result<InitialPacket, PacketError>> open_initials(
    Bytes datagram, Sender sender, std::optional<Bytes> key_dcid = std::nullopt) noexcept;

struct ShortHeaderPacket {
  uint64_t packet_number = 0;
  std::vector<uint8_t> payload;  // the frames, decrypted
};

// Removes the protection of the 1-RTT (short header, RFC 9000 17.3.1) packet that fills
// `datagram`, whose Destination Connection ID is `dcid_length` bytes (the receiver's choice:
// the server's Source Connection ID for a client's packets), with AES-128-GCM `keys`
// (one_rtt_keys()). Errors: kNotShortHeader, kBadConnectionId, kTooShortForSample,
// kDecryptFailed (also after a key update, whose key phase bit we do not follow).
[[nodiscard]] Result<ShortHeaderPacket, PacketError> open_short_header(
    Bytes datagram, size_t dcid_length, const InitialKeys& keys,
    std::optional<uint64_t> largest_pn = std::nullopt) noexcept;

// Whether the datagram starts like a QUIC v1/v2 Initial packet (cheap: no decryption).
[[nodiscard]] bool looks_like_initial(Bytes datagram) noexcept;

}  // namespace fp::quic
