// Any bytes as a DHCPv4 and as a DHCPv6 message, then JA4D of what parsed. Neither may crash or
// read out of bounds, and a fingerprint always has its three parts.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "dhcp/ja4d.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes input(data, size);
  if (auto m = fp::dhcp::parse_dhcpv4(input)) {
    const std::string v = fp::dhcp::ja4d(*m);
    if (std::count(v.begin(), v.end(), '_') != 2) __builtin_trap();
  }
  if (auto m = fp::dhcp::parse_dhcpv6(input)) {
    const std::string v = fp::dhcp::ja4d(*m);
    if (std::count(v.begin(), v.end(), '_') != 2) __builtin_trap();
  }
  return 0;
}
