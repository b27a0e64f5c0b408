#pragma once
// Why a TLS parse failed. Each value has a one-line description in describe().

#include <cstdint>
#include <string_view>

namespace fp::tls {

enum class TlsError : uint8_t {
  kTruncated,           // the input ends inside a record, message or field
  kNotTls,              // the first bytes are not a TLS record or handshake message
  kNotHandshake,        // a record of another content type where a handshake was expected
  kWrongMessageType,    // a handshake message, but not the one asked for
  kBadLength,           // a length field disagrees with the bytes that enclose it
  kTooLarge,            // a handshake message larger than limits::kMaxHandshakeMessage
  kBadExtension,        // an extension whose body does not parse
  kDuplicateExtension,  // the same extension type twice (RFC 8446 4.2 forbids it)
};

[[nodiscard]] std::string_view describe(TlsError error) noexcept;

}  // namespace fp::tls
