// Any bytes as a pasted ClientHello (records, handshake message or SSLv2 hello), then every
// client fingerprint of what parsed. The canonical-only JA4 must equal the one computed with the
// raw forms, whatever the hello: two code paths, one definition.
#include <cstddef>
#include <cstdint>

#include "tls/client_hello.h"
#include "tls/ja3.h"
#include "tls/ja4.h"
#include "tls/peetprint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes input(data, size);
  for (auto parsed : {fp::tls::parse_client_hello_any(input), fp::tls::parse_client_hello(input)}) {
    if (!parsed) continue;
    (void)fp::tls::ja3(*parsed);
    (void)fp::tls::ja3n(*parsed);
    if (fp::tls::ja4(*parsed).ja4 != fp::tls::ja4_canonical(*parsed)) __builtin_trap();
    (void)fp::tls::ja4_stable(*parsed);
    (void)fp::tls::peetprint(*parsed);
  }
  return 0;
}
