// Any bytes as one DER certificate, then JA4X and the names. The raw form must hash to the
// fingerprint, part by part, whatever the certificate: two outputs, one definition.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/hash.h"
#include "tls/x509.h"
#include "tls/x509_names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto certificate = fp::tls::parse_certificate(fp::Bytes(data, size));
  if (!certificate) return 0;
  const fp::tls::Ja4x j = fp::tls::ja4x(*certificate);
  std::string rehashed;
  size_t start = 0;
  for (int part = 0; part < 3; ++part) {
    const size_t end = part == 2 ? j.ja4x_r.size() : j.ja4x_r.find('_', start);
    if (end == std::string::npos) __builtin_trap();
    if (part > 0) rehashed += '_';
    rehashed += fp::sha256_hex12(std::string_view(j.ja4x_r).substr(start, end - start));
    start = end + 1;
  }
  if (rehashed != j.ja4x) __builtin_trap();
  (void)fp::tls::name_fields(*certificate);
  return 0;
}
