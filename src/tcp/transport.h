#pragma once
// Internal to src/tcp: the transport-layer half of parse_ip_packet.

#include <optional>

#include "tcp/packet.h"

namespace fp::tcp::detail {

// Parses the TCP header at the start of `segment` into `packet.tcp`; the rest becomes the payload.
[[nodiscard]] std::optional<PacketError> parse_tcp(Bytes segment, Packet& packet) noexcept;

// Parses the UDP header at the start of `datagram` into `packet.udp`; the rest is the payload.
[[nodiscard]] std::optional<PacketError> parse_udp(Bytes datagram, Packet& packet) noexcept;

// Walks TCP option bytes into `tcp.options` and the EOL / malformed fields (see TcpHeader).
void parse_tcp_options(Bytes raw, TcpHeader& tcp) noexcept;

}  // namespace fp::tcp::detail
