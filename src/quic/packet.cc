#include "quic/packet.h"

#include <openssl/evp.h>

#include <memory>

namespace fp::quic {
namespace {

constexpr size_t kSampleSize = 16;  // RFC 9001 5.4.2
constexpr size_t kTagSize = 16;     // AEAD_AES_128_GCM
constexpr uint8_t kLongHeaderBit = 0x80;
constexpr uint8_t kFixedBit = 0x40;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// The long-header packet type bits, which RFC 9369 3.2 permutes for v2.
bool is_initial_type(uint32_t version, uint8_t first_byte) {
  const unsigned type = (first_byte >> 4) & 0x03;
  return version == kVersion2 ? type == 0x01 : type == 0x00;
}

// RFC 9001 5.4.3: AES-ECB of the sample; the first five bytes are the mask.
bool header_mask(const InitialKeys& keys, Bytes sample, std::array<uint8_t, 16>& mask) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return false;
  int len = 0;
  return EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, keys.hp.data(), nullptr) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
         EVP_EncryptUpdate(ctx.get(), mask.data(), &len, sample.data(), kSampleSize) == 1 &&
         len == static_cast<int>(kSampleSize);
}

// RFC 9001 5.3: AEAD_AES_128_GCM open of `ciphertext` (tag last) with the header as AAD.
bool aead_open(const InitialKeys& keys, uint64_t pn, Bytes aad, Bytes ciphertext,
               std::vector<uint8_t>& out) {
  if (ciphertext.size() < kTagSize) return false;
  std::array<uint8_t, 12> nonce = keys.iv;
  for (size_t i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<uint8_t>(pn >> (8 * i));
  const size_t text = ciphertext.size() - kTagSize;
  out.resize(text);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return false;
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, keys.key.data(), nonce.data()) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext.data(), static_cast<int>(text)) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize,
                          const_cast<uint8_t*>(ciphertext.data() + text)) != 1) {
    return false;
  }
  return EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &len) == 1;
}

// The size of a 0-RTT or Handshake packet at the start of `datagram` (RFC 9000 17.2: its Length
// follows the connection IDs); nullopt for a Retry, which has no Length and ends the datagram.
std::optional<size_t> other_packet_size(Bytes datagram) {
  ByteReader r(datagram);
  const auto first = r.u8();
  const auto version = r.u32();
  if (!first || !version) return std::nullopt;
  const unsigned type = (*first >> 4) & 0x03;
  const bool retry = *version == kVersion2 ? type == 0x00 : type == 0x03;
  if (retry || !r.length_prefixed<1>() || !r.length_prefixed<1>()) return std::nullopt;
  const auto length = read_varint(r);
  if (!length || *length > r.remaining()) return std::nullopt;
  return r.position() + *length;
}

}  // namespace

std::string_view describe(PacketError error) noexcept {
  switch (error) {
    case PacketError::kNotLongHeader:
      return "not a QUIC long-header packet";
    case PacketError::kTruncated:
      return "the datagram ends inside the packet";
    case PacketError::kBadConnectionId:
      return "a connection ID longer than 20 bytes";
    case PacketError::kUnknownVersion:
      return "a QUIC version other than 1 and 2";
    case PacketError::kNotInitial:
      return "a long-header packet other than Initial";
    case PacketError::kTooShortForSample:
      return "too short for the header protection sample";
    case PacketError::kDecryptFailed:
      return "the Initial packet did not decrypt";
    case PacketError::kNotShortHeader:
      return "not a QUIC short-header packet";
  }
  return "unknown QUIC packet error";
}

std::optional<uint64_t> read_varint(ByteReader& r) noexcept {
  const auto first = r.u8();
  if (!first) return std::nullopt;
  const size_t length = size_t{1} << (*first >> 6);
  uint64_t value = *first & 0x3f;
  for (size_t i = 1; i < length; ++i) {
    const auto b = r.u8();
    if (!b) return std::nullopt;
    value = (value << 8) | *b;
  }
  return value;
}

uint64_t decode_packet_number(std::optional<uint64_t> largest, uint64_t truncated,
                              unsigned pn_bits) noexcept {
  const uint64_t expected = largest ? *largest + 1 : 0;
  const uint64_t win = uint64_t{1} << pn_bits;
  const uint64_t hwin = win / 2;
  const uint64_t mask = win - 1;
  const uint64_t candidate = (expected & ~mask) | truncated;
  if (candidate + hwin <= expected && candidate < (uint64_t{1} << 62) - win) {
    return candidate + win;
  }
  if (candidate > expected + hwin && candidate >= win) return candidate - win;
  return candidate;
}

Result<LongHeader, PacketError> parse_initial_header(Bytes datagram) noexcept {
  ByteReader r(datagram);
  LongHeader h;
  const auto first = r.u8();
  if (!first) return Unexpected{PacketError::kTruncated};
  if ((*first & kLongHeaderBit) == 0 || (*first & kFixedBit) == 0) {
    return Unexpected{PacketError::kNotLongHeader};
  }
  h.first_byte = *first;
  const auto version = r.u32();
  if (!version) return Unexpected{PacketError::kTruncated};
  h.version = *version;
  for (Bytes* id : {&h.dcid, &h.scid}) {
    const auto length = r.u8();
    if (length && *length > kMaxConnectionId) return Unexpected{PacketError::kBadConnectionId};
    const auto bytes = length ? r.bytes(*length) : std::nullopt;
    if (!bytes) return Unexpected{PacketError::kTruncated};
    *id = *bytes;
  }
  if (!is_known_version(h.version)) return Unexpected{PacketError::kUnknownVersion};
  if (!is_initial_type(h.version, h.first_byte)) return Unexpected{PacketError::kNotInitial};
  const auto token_length = read_varint(r);
  const auto token = token_length ? r.bytes(*token_length) : std::nullopt;
  const auto length = token ? read_varint(r) : std::nullopt;
  if (!length || *length > r.remaining()) return Unexpected{PacketError::kTruncated};
  h.token = *token;
  h.pn_offset = r.position();
  h.packet_size = h.pn_offset + *length;
  if (*length < 4 + kSampleSize) return Unexpected{PacketError::kTooShortForSample};
  return h;
}

Result<InitialPacket, PacketError> open_initial(const LongHeader& header, Bytes packet,
                                                const InitialKeys& keys,
                                                std::optional<uint64_t> largest_pn) noexcept {
  if (packet.size() < header.packet_size ||
      header.packet_size < header.pn_offset + 4 + kSampleSize) {
    return Unexpected{PacketError::kTruncated};
  }
  try {
    std::array<uint8_t, 16> mask{};
    if (!header_mask(keys, packet.subspan(header.pn_offset + 4, kSampleSize), mask)) {
      return Unexpected{PacketError::kDecryptFailed};
    }
    // The unprotected header is the associated data (RFC 9001 5.3).
    std::vector<uint8_t> aad(packet.begin(), packet.begin() + header.pn_offset + 4);
    aad[0] ^= mask[0] & 0x0f;  // long header: the low four bits are protected
    const size_t pn_length = (aad[0] & 0x03) + 1;
    aad.resize(header.pn_offset + pn_length);
    uint64_t truncated = 0;
    for (size_t i = 0; i < pn_length; ++i) {
      aad[header.pn_offset + i] ^= mask[1 + i];
      truncated = (truncated << 8) | aad[header.pn_offset + i];
    }
    InitialPacket out;
    out.version = header.version;
    out.dcid.assign(header.dcid.begin(), header.dcid.end());
    out.scid.assign(header.scid.begin(), header.scid.end());
    out.packet_number =
        decode_packet_number(largest_pn, truncated, static_cast<unsigned>(pn_length * 8));
    const Bytes ciphertext = packet.subspan(header.pn_offset + pn_length,
                                            header.packet_size - header.pn_offset - pn_length);
    if (!aead_open(keys, out.packet_number, aad, ciphertext, out.payload)) {
      return Unexpected{PacketError::kDecryptFailed};
    }
    return out;
  } catch (...) {  // bad_alloc: report as a packet we could not open
    return Unexpected{PacketError::kDecryptFailed};
  }
}

std::vector<Result<InitialPacket, PacketError>> open_initials(
    Bytes datagram, Sender sender, std::optional<Bytes> key_dcid) noexcept {
  std::vector<Result<InitialPacket, PacketError>> out;
  try {
    while (!datagram.empty()) {
      auto header = parse_initial_header(datagram);
      if (!header) {
        // A short-header packet or zero padding may follow coalesced long-header packets.
        const bool quiet_end = header.error() == PacketError::kNotLongHeader && !out.empty();
        if (!quiet_end) out.emplace_back(Unexpected{header.error()});
        const auto next =
            header.error() == PacketError::kNotInitial ? other_packet_size(datagram) : std::nullopt;
        if (!next) break;
        datagram = datagram.subspan(*next);
        continue;
      }
      const Bytes packet = datagram.first(header->packet_size);
      const auto keys = initial_keys(header->version, key_dcid ? *key_dcid : header->dcid, sender);
      if (!keys) {
        out.emplace_back(Unexpected{PacketError::kDecryptFailed});
      } else {
        out.push_back(open_initial(*header, packet, *keys));
      }
      datagram = datagram.subspan(header->packet_size);
    }
  } catch (...) {  // bad_alloc: what was opened so far
  }
  return out;
}

Result<ShortHeaderPacket, PacketError> open_short_header(
    Bytes datagram, size_t dcid_length, const InitialKeys& keys,
    std::optional<uint64_t> largest_pn) noexcept {
  if (datagram.empty() || (datagram[0] & kLongHeaderBit) || !(datagram[0] & kFixedBit)) {
    return Unexpected{PacketError::kNotShortHeader};
  }
  if (dcid_length > kMaxConnectionId) return Unexpected{PacketError::kBadConnectionId};
  const size_t pn_offset = 1 + dcid_length;
  if (datagram.size() < pn_offset + 4 + kSampleSize) {
    return Unexpected{PacketError::kTooShortForSample};
  }
  try {
    std::array<uint8_t, 16> mask{};
    if (!header_mask(keys, datagram.subspan(pn_offset + 4, kSampleSize), mask)) {
      return Unexpected{PacketError::kDecryptFailed};
    }
    std::vector<uint8_t> aad(datagram.begin(), datagram.begin() + pn_offset + 4);
    aad[0] ^= mask[0] & 0x1f;  // short header: the low five bits are protected (RFC 9001 5.4.1)
    const size_t pn_length = (aad[0] & 0x03) + 1;
    aad.resize(pn_offset + pn_length);
    uint64_t truncated = 0;
    for (size_t i = 0; i < pn_length; ++i) {
      aad[pn_offset + i] ^= mask[1 + i];
      truncated = (truncated << 8) | aad[pn_offset + i];
    }
    ShortHeaderPacket out;
    out.packet_number =
        decode_packet_number(largest_pn, truncated, static_cast<unsigned>(pn_length * 8));
    if (!aead_open(keys, out.packet_number, aad, datagram.subspan(pn_offset + pn_length),
                   out.payload)) {
      return Unexpected{PacketError::kDecryptFailed};
    }
    return out;
  } catch (...) {
    return Unexpected{PacketError::kDecryptFailed};
  }
}

bool looks_like_initial(Bytes datagram) noexcept {
  auto header = parse_initial_header(datagram);
  return header.ok();
}

}  // namespace fp::quic
