#include "tcp/packet.h"

namespace fp::tcp {

std::string_view describe(PacketError error) noexcept {
  switch (error) {
    case PacketError::kTruncated:
      return "packet shorter than the headers it announces";
    case PacketError::kBadVersion:
      return "IP version is neither 4 nor 6";
    case PacketError::kBadHeader:
      return "header length field below its minimum, or too many IPv6 extension headers";
    case PacketError::kFragment:
      return "fragment without a transport header";
  }
  return "unknown error";
}

}  // namespace fp::tcp
