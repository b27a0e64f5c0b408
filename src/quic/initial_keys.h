#pragma once
// QUIC Initial packet protection keys (RFC 9001 5.2, RFC 9369 3.3). Anyone who sees the client's
// first Destination Connection ID can derive them: that is what lets a passive observer read the
// ClientHello. AEAD_AES_128_GCM with SHA-256 HKDF, whatever the version.

#include <array>
#include <cstdint>
#include <optional>

#include "core/byte_reader.h"

namespace fp::quic {

inline constexpr uint32_t kVersion1 = 0x00000001;  // RFC 9000
inline constexpr uint32_t kVersion2 = 0x6b3343cf;  // RFC 9369
inline constexpr size_t kMaxConnectionId = 20;     // RFC 9000 17.2

enum class Sender : uint8_t { kClient, kServer };

struct InitialKeys {
  std::array<uint8_t, 32> secret{};  // client_initial_secret or server_initial_secret
  std::array<uint8_t, 16> key{};
  std::array<uint8_t, 12> iv{};
  std::array<uint8_t, 16> hp{};
};

// Versions whose Initial salt and labels we know (v1 and v2).
[[nodiscard]] bool is_known_version(uint32_t version) noexcept;

// The keys protecting `sender`'s Initial packets of a connection whose client chose `dcid` as
// the first Destination Connection ID. nullopt for an unknown version, a DCID longer than 20
// bytes, or an OpenSSL failure.
[[nodiscard]] std::optional<InitialKeys> initial_keys(uint32_t version, Bytes dcid,
                                                      Sender sender) noexcept;

// The packet protection keys of 1-RTT packets (RFC 9001 5.1) from a TLS traffic secret, e.g. a
// key log's CLIENT_TRAFFIC_SECRET_0: HKDF-Expand-Label "quic key", "quic iv", "quic hp"
// ("quicv2 ..." for v2, RFC 9369 3.3.2). Only TLS_AES_128_GCM_SHA256 keys have this shape;
// nullopt for another version, a secret that is not 32 bytes, or an OpenSSL failure.
[[nodiscard]] std::optional<InitialKeys> one_rtt_keys(uint32_t version, Bytes secret) noexcept;

}  // namespace fp::quic
