#include "tls/errors.h"

namespace fp::tls {

std::string_view describe(TlsError error) noexcept {
  switch (error) {
    case TlsError::kTruncated:
      return "input ends inside a record, message or field";
    case TlsError::kNotTls:
      return "bytes are not a TLS record or handshake message";
    case TlsError::kNotHandshake:
      return "record of another content type where a handshake was expected";
    case TlsError::kWrongMessageType:
      return "handshake message of another type than the one asked for";
    case TlsError::kBadLength:
      return "length field disagrees with the bytes that enclose it";
    case TlsError::kTooLarge:
      return "handshake message exceeds the size limit";
    case TlsError::kBadExtension:
      return "extension body does not parse";
    case TlsError::kDuplicateExtension:
      return "the same extension type appears twice";
  }
  return "unknown error";
}

}  // namespace fp::tls
