#pragma once
// DHCPv4 (RFC 2131 2, options RFC 2132) and DHCPv6 (RFC 8415 8, 21) messages, read as far as
// JA4D needs: the message type, the option codes in the order sent, and the few option values
// the fingerprint shows. Each UDP datagram holds one message.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"

namespace fp::dhcp {

enum class DhcpError : uint8_t {
  kTooShort,   // shorter than the fixed header (DHCPv4: 236 bytes and the magic cookie)
  kNotDhcp,    // DHCPv4: no magic cookie 99.130.83.99 / op not 1 or 2; DHCPv6: type 0
  kBadOption,  // an option's length runs past the end of the message
};
[[nodiscard]] const char* describe(DhcpError e) noexcept;

struct Dhcpv4Message {
  uint8_t op = 0;                               // 1 request, 2 reply
  std::optional<uint8_t> type;                  // option 53
  std::vector<uint8_t> options;                 // codes in order, without Pad (0) and End (255)
  std::optional<uint16_t> max_size;             // option 57 (2 bytes)
  std::vector<uint8_t> parameter_request_list;  // option 55
};

struct Dhcpv6Message {
  uint8_t type = 0;
  // Option codes in the order tshark shows them: each option, then the options nested in it
  // (IA_NA, IA_TA, IA_PD, IA Address, IA Prefix), depth first.
  std::vector<uint16_t> options;
  std::optional<uint16_t> client_duid_length;  // option 1's length
  std::vector<uint16_t> option_request_list;   // option 6
  bool ia_address_in_ia = false;               // an IA_NA or IA_TA carries an IA Address (option 5)
  std::optional<Bytes> client_fqdn;            // option 39's data (valid while the message is)
};

[[nodiscard]] Result<Dhcpv4Message, DhcpError> parse_dhcpv4(Bytes udp_payload) noexcept;
[[nodiscard]] Result<Dhcpv6Message, DhcpError> parse_dhcpv6(Bytes udp_payload) noexcept;

}  // namespace fp::dhcp
