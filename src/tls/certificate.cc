#include "tls/certificate.h"

namespace fp::tls {

Result<CertificateMessage, TlsError> parse_certificate_message(Bytes body, bool tls13) noexcept {
  ByteReader r(body);
  if (tls13 && !r.length_prefixed<1>()) return Unexpected{TlsError::kTruncated};
  const auto list = r.length_prefixed<3>();
  if (!list) return Unexpected{TlsError::kTruncated};
  if (!r.empty()) return Unexpected{TlsError::kBadLength};
  CertificateMessage out;
  ByteReader entries(*list);
  while (!entries.empty()) {
    const auto certificate = entries.length_prefixed<3>();
    if (!certificate) return Unexpected{TlsError::kTruncated};
    if (certificate->empty()) return Unexpected{TlsError::kBadLength};
    // TLS 1.3 entries carry extensions (OCSP status, SCTs) that JA4X does not read.
    if (tls13 && !entries.length_prefixed<2>()) return Unexpected{TlsError::kTruncated};
    if (out.certificates.size() == kMaxCertificatesPerMessage) {
      out.more = true;
      continue;
    }
    out.certificates.push_back(*certificate);
  }
  return out;
}

}  // namespace fp::tls
