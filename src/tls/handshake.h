#pragma once
// TLS record layer and handshake reassembly: turns the first bytes of one direction of a TCP
// stream into the complete handshake messages it carries, however they were cut into records
// and segments. Pure: bytes in, messages out.

#include <cstdint>
#include <vector>

#include "core/byte_reader.h"
#include "tls/errors.h"

namespace fp::tls {

enum class HandshakeType : uint8_t {
  kClientHello = 1,
  kServerHello = 2,
  kCertificate = 11,
};

struct HandshakeMessage {
  uint8_t type = 0;
  uint16_t record_version = 0;  // version field of the record that carried the first byte
  // Without the 4-byte handshake header. A message inside one record is a view of the scanned
  // stream (valid while it is); one that spanned records, of its HandshakeScan's `reassembled`.
  Bytes body;
};

enum class ScanStatus : uint8_t {
  kNeedMore,  // the bytes end inside a record or message: more stream may complete it
  kDone,      // reached application data, an alert, or encrypted handshake: nothing more to read
  kError,     // not TLS, or a length that cannot be right; `error` says which
};

// Move it, never copy it: a copy's message views would still point into the original.
struct HandshakeScan {
  std::vector<HandshakeMessage> messages;         // complete plaintext messages, in stream order
  std::vector<std::vector<uint8_t>> reassembled;  // bodies of messages that spanned records
  ScanStatus status = ScanStatus::kNeedMore;
  TlsError error = TlsError::kTruncated;  // meaningful when status == kError
  bool sslv2_client_hello = false;        // the stream starts with an SSLv2-compatible hello;
                                          // messages[0] then holds its record body (type 1)
};

// Reads records from the start of `stream`. ChangeCipherSpec records are skipped (TLS 1.3
// middlebox compatibility puts one before the second ClientHello of a HelloRetryRequest).
// Stops at application data or alert records, or after `max_messages` messages.
// Messages wholly inside one record are not copied: a ClientHello is read where it lies.
[[nodiscard]] HandshakeScan scan_handshake(Bytes stream, size_t max_messages = 8) noexcept;
// Deleted: the messages would be views of a temporary.
HandshakeScan scan_handshake(std::vector<uint8_t>&&, size_t = 8) = delete;

}  // namespace fp::tls
