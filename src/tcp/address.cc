// IpAddress::to_string: inet_ntop's text form (RFC 5952 for IPv6), the form tshark and the FoxIO
// references print.
#include <arpa/inet.h>

#include <charconv>

#include "tcp/packet.h"

namespace fp::tcp {

std::string IpAddress::to_string() const {
  if (version == 4) {  // every record writes two: glibc's inet_ntop formats IPv4 with sprintf
    char text[16];
    char* end = text;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) *end++ = '.';
      end = std::to_chars(end, text + sizeof text, bytes[i]).ptr;
    }
    return std::string(text, end);
  }
  char text[INET6_ADDRSTRLEN] = {};
  const int family = version == 6 ? AF_INET6 : AF_INET;
  if (inet_ntop(family, bytes.data(), text, sizeof(text)) == nullptr) return {};
  return text;
}

}  // namespace fp::tcp
