#pragma once
// JA4D and JA4D6 (FoxIO, spec/JA4D.png, spec/JA4D6.png; FoxIO License 1.1): one fingerprint per
// DHCP message,
//
//   {type}{size}{i|n}{d|n}_{options}_{requested}
//
// - type: five letters for the message type (disco, offer, reqst ... / solct, advrt ...), the
//   type number in five digits when it has none;
// - size: DHCPv4 option 57 (Maximum Message Size), DHCPv6 the client DUID length (option 1),
//   four digits, 9999 at most, 0000 when absent;
// - i: DHCPv4 option 50 (Requested IP Address) present; DHCPv6 an IA_NA/IA_TA carries an IA
//   Address; otherwise n;
// - d: DHCPv4 option 81 (Client FQDN) present; DHCPv6 option 39 whose first two bytes are 0
//   (as FoxIO's Arkime plugin reads it); otherwise n;
// - options: the option codes in order joined by '-'; DHCPv4 leaves out 50, 53, 81 and 255
//   (and Pad); DHCPv6 lists nested options after their parent; 00 when none;
// - requested: DHCPv4 option 55 (Parameter Request List), DHCPv6 option 6 (Option Request),
//   joined by '-', 00 when absent.
//
// The expected values are the FoxIO Wireshark plugin's (expected/wireshark/dhcp*.json) and
// Zeek's (expected/zeek/Scripts.ja4-dhcp/ja4d.log); docs/fingerprints.md lists the choices.

#include <string>

#include "dhcp/message.h"

namespace fp::dhcp {

[[nodiscard]] std::string ja4d(const Dhcpv4Message& m);
[[nodiscard]] std::string ja4d(const Dhcpv6Message& m);

}  // namespace fp::dhcp
