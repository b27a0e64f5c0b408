// Any bytes as a ServerHello body, then JA3S and JA4S.
#include <cstddef>
#include <cstdint>

#include "tls/ja3.h"
#include "tls/ja4.h"
#include "tls/server_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = fp::tls::parse_server_hello(fp::Bytes(data, size));
  if (parsed) {
    (void)fp::tls::ja3s(*parsed);
    (void)fp::tls::ja4s(*parsed);
  }
  return 0;
}
