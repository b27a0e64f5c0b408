// Any bytes as the start of one direction of a TCP stream: scan the records, then parse and
// fingerprint every hello found.
#include <cstddef>
#include <cstdint>

#include "tls/client_hello.h"
#include "tls/handshake.h"
#include "tls/ja3.h"
#include "tls/ja4.h"
#include "tls/server_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::tls::HandshakeScan scan = fp::tls::scan_handshake(fp::Bytes(data, size));
  for (const auto& m : scan.messages) {
    if (m.type == 1) {
      auto h = scan.sslv2_client_hello ? fp::tls::parse_sslv2_client_hello(m.body)
                                       : fp::tls::parse_client_hello(m.body);
      if (h) (void)fp::tls::ja4(*h), (void)fp::tls::ja3(*h);
    } else if (m.type == 2) {
      auto h = fp::tls::parse_server_hello(m.body);
      if (h) (void)fp::tls::ja4s(*h), (void)fp::tls::ja3s(*h);
    }
  }
  return 0;
}
