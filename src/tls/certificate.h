#pragma once
// The TLS Certificate handshake message (type 11): the certificate chain as sent, the server's
// own certificate first. Two forms:
//   TLS 1.0-1.2 (RFC 5246 7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>;
//   TLS 1.3 (RFC 8446 4.4.2): certificate_request_context<0..255>, then certificate_list of
//     CertificateEntry { cert_data<1..2^24-1>; extensions<0..2^16-1> }.
// Fingerprints of the chain (JA4X, with the names FoxIO's Rust tool prints) are made in
// capture/certificates.h (`certificate_records`, `add_certificates`), which also serves
// decrypted TLS 1.3 Certificate messages.

#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "tls/errors.h"

namespace fp::tls {

// Certificates kept per message; real chains have 2 to 5. The rest is dropped and flagged.
inline constexpr size_t kMaxCertificatesPerMessage = 16;

struct CertificateMessage {
  std::vector<Bytes> certificates;  // DER, views into the message body given to the parser
  bool more = false;                // the chain held more than kMaxCertificatesPerMessage
};

// `body` is the message without its 4-byte handshake header. Errors: kTruncated when a length
// runs past the body, kBadLength when bytes are left after the list or an entry is empty.
[[nodiscard]] Result<CertificateMessage, TlsError> parse_certificate_message(Bytes body,
                                                                             bool tls13) noexcept;

}  // namespace fp::tls
