#pragma once
// From a captured frame to the IP packet inside it, for the link types captures use. The
// decoders are data: a table from link type to a function (STYLE.md 5).

#include <cstdint>
#include <optional>

#include "core/byte_reader.h"

namespace fp::capture {

// Link-layer header types as pcap/pcapng record them (tcpdump.org/linktypes.html).
namespace linktype {
inline constexpr int kNull = 0;  // BSD loopback, address family in host byte order
inline constexpr int kEthernet = 1;
inline constexpr int kRawBsd = 12;      // DLT_RAW on BSD
inline constexpr int kRawOpenBsd = 14;  // DLT_RAW on OpenBSD
inline constexpr int kRaw = 101;        // LINKTYPE_RAW
inline constexpr int kLoop = 108;       // OpenBSD loopback, address family in network order
inline constexpr int kLinuxSll = 113;
inline constexpr int kIpv4 = 228;
inline constexpr int kIpv6 = 229;
inline constexpr int kLinuxSll2 = 276;
}  // namespace linktype

[[nodiscard]] bool link_type_supported(int link_type) noexcept;

// The bytes from the IP header on, or nullopt when the frame carries no IPv4/IPv6 packet (ARP,
// LLDP, a truncated header) or the link type is unknown.
[[nodiscard]] std::optional<Bytes> ip_packet_of_frame(int link_type, Bytes frame) noexcept;

}  // namespace fp::capture
