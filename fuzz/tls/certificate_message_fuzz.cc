// Any bytes as a Certificate handshake message body, read in both forms (TLS 1.2 and 1.3), then
// every certificate of the chain through the X.509 reader and JA4X.
#include <cstddef>
#include <cstdint>

#include "tls/certificate.h"
#include "tls/x509.h"
#include "tls/x509_names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (bool tls13 : {false, true}) {
    const auto message = fp::tls::parse_certificate_message(fp::Bytes(data, size), tls13);
    if (!message) continue;
    if (message->certificates.size() > fp::tls::kMaxCertificatesPerMessage) __builtin_trap();
    for (const fp::Bytes der : message->certificates) {
      const auto certificate = fp::tls::parse_certificate(der);
      if (!certificate) continue;
      (void)fp::tls::ja4x(*certificate);
      (void)fp::tls::name_fields(*certificate);
    }
  }
  return 0;
}
