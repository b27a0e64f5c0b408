#pragma once
// A server's Certificate message into the record's `tls_certs` (JA4X per certificate, with the
// issuer and subject names FoxIO's Rust tool prints). Called by the TCP stream analyzer for the
// plaintext message of TLS 1.0-1.2, and by TLS decryption (src/decrypt/) for the encrypted one
// of TLS 1.3. Stable entry points: `certificate_records` and `add_certificates`.

#include <vector>

#include "capture/record.h"
#include "core/byte_reader.h"

namespace fp::capture {

struct AnalyzerCounters;

// Certificate messages kept per stream (a renegotiation may send another); later ones are
// dropped.
inline constexpr size_t kMaxCertificateMessagesPerStream = 4;

// The chain of one Certificate message `body` (without the 4-byte handshake header), in the
// order sent; `tls13` selects the RFC 8446 4.4.2 form. Certificates that do not parse as X.509
// are left out; a message that does not parse gives an empty chain.
[[nodiscard]] std::vector<CertificateRecord> certificate_records(Bytes body, bool tls13);

// The same, appended to `record.tls_certs` (up to kMaxCertificateMessagesPerStream messages);
// each certificate or message that does not parse counts in `counters.x509_errors`.
void add_certificates(Bytes body, bool tls13, StreamRecord& record, AnalyzerCounters& counters);

}  // namespace fp::capture
