// IpAddress::to_string: inet_ntop's text form (RFC 5952 for IPv6), the form tshark and the FoxIO
// references print.
#include <arpa/inet.h>

#include "tcp/packet.h"

namespace fp::tcp {

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  const int family = version == 6 ? AF_INET6 : AF_INET;
  if (inet_ntop(family, bytes.data(), text, sizeof(text)) == nullptr) return {};
  return text;
}

}  // namespace fp::tcp
