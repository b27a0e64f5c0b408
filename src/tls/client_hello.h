#pragma once
// ClientHello parsing (RFC 8446 4.1.2, RFC 5246 7.4.1.2) that keeps every extension in wire
// order, unknown ones and GREASE included, plus decoded views of the extensions fingerprints
// read. The lists keep GREASE; the fingerprint rules remove it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "tls/errors.h"

namespace fp::tls {

namespace ext {  // extension code points that the rules name
inline constexpr uint16_t kServerName = 0x0000;
inline constexpr uint16_t kSupportedGroups = 0x000a;
inline constexpr uint16_t kEcPointFormats = 0x000b;
inline constexpr uint16_t kSignatureAlgorithms = 0x000d;
inline constexpr uint16_t kAlpn = 0x0010;
inline constexpr uint16_t kPadding = 0x0015;
inline constexpr uint16_t kCompressCertificate = 0x001b;
inline constexpr uint16_t kSessionTicket = 0x0023;
inline constexpr uint16_t kPreSharedKey = 0x0029;
inline constexpr uint16_t kEarlyData = 0x002a;
inline constexpr uint16_t kSupportedVersions = 0x002b;
inline constexpr uint16_t kPskKeyExchangeModes = 0x002d;
inline constexpr uint16_t kKeyShare = 0x0033;
inline constexpr uint16_t kAlpsOld = 0x4469;
inline constexpr uint16_t kAlpsNew = 0x44cd;
inline constexpr uint16_t kEncryptedClientHello = 0xfe0d;
inline constexpr uint16_t kRenegotiationInfo = 0xff01;
}  // namespace ext

// One extension: its type, and where its body lies in the owning hello's `extension_data`
// (read it with data_of()). The bodies share one buffer per hello rather than owning one vector
// each: a browser's hello has ~18 extensions, and an allocation each was a quarter of the parse
// (docs/performance.md). `{type, {}}` is an extension with an empty body.
struct Extension {
  uint16_t type = 0;
  uint32_t offset = 0;  // into extension_data
  uint32_t length = 0;
};

// Anomalies met while parsing a hello that still parsed (STYLE.md 10: anomalies are data). The
// fingerprints read extension types, so a bad extension body is recorded here, not fatal, as
// Wireshark and the FoxIO tools do.
namespace quirk {
inline constexpr uint16_t kBadExtensionBody = 1 << 0;     // a decoded extension did not parse
inline constexpr uint16_t kTruncatedExtensions = 1 << 1;  // the extension block ends early
inline constexpr uint16_t kDuplicateExtension = 1 << 2;   // a type repeated (RFC 8446 4.2)
inline constexpr uint16_t kTrailingBytes = 1 << 3;        // bytes after the extension block
}  // namespace quirk

struct ClientHello {
  uint16_t record_version = 0;  // 0 when parsed from a bare handshake message
  uint16_t legacy_version = 0;  // client_version in the hello body
  // An SSLv2-compatible hello's challenge (16 to 32 bytes) is right-justified, zeros before it,
  // as a TLS server reads it (RFC 5246 E.2).
  std::array<uint8_t, 32> random{};
  std::vector<uint8_t> session_id;
  std::vector<uint16_t> cipher_suites;  // wire order, GREASE kept
  std::vector<uint8_t> compression_methods;
  std::vector<Extension> extensions;    // wire order, GREASE and unknown types kept
  std::vector<uint8_t> extension_data;  // the extension block as received; bodies point into it

  // Decoded from the extensions above (empty when the extension is absent):
  std::optional<std::string> server_name;  // first host_name of server_name
  std::vector<std::string> alpn;           // protocol names, bytes as sent
  std::vector<uint16_t> supported_versions;
  std::vector<uint16_t> supported_groups;
  std::vector<uint8_t> ec_point_formats;
  std::vector<uint16_t> signature_algorithms;
  std::vector<uint16_t> key_share_groups;
  std::vector<uint8_t> psk_key_exchange_modes;
  std::vector<uint16_t> compress_certificate_algorithms;

  bool sslv2_compatible = false;  // came as an SSLv2-compatible hello (no extensions possible)
  uint16_t quirks = 0;            // quirk:: bits

  [[nodiscard]] bool has_quirk(uint16_t bit) const noexcept { return (quirks & bit) != 0; }

  [[nodiscard]] bool has_extension(uint16_t type) const noexcept;

  // The body of `e`, one of this hello's extensions (empty when it lies outside extension_data).
  [[nodiscard]] Bytes data_of(const Extension& e) const noexcept;
};

// The body of `e` within `data` (a hello's extension_data); empty when it does not fit.
[[nodiscard]] Bytes extension_body(Bytes data, const Extension& e) noexcept;

// `body` is a ClientHello handshake message without its 4-byte header.
[[nodiscard]] Result<ClientHello, TlsError> parse_client_hello(Bytes body) noexcept;

// The body of an SSLv2-compatible CLIENT-HELLO record (after the 2-byte length; starts with the
// message type 1). Cipher specs whose first byte is 0 map to TLS cipher suites.
[[nodiscard]] Result<ClientHello, TlsError> parse_sslv2_client_hello(Bytes body) noexcept;

// Whatever a user pastes: one or more TLS records, a handshake message (starting 0x01), or an
// SSLv2-compatible hello. Used by `fingerprint hello` and the API.
[[nodiscard]] Result<ClientHello, TlsError> parse_client_hello_any(Bytes input) noexcept;

}  // namespace fp::tls
