#pragma once
// Tunnels: from an IP packet that carries another frame or packet to the inner one, so that the
// flows inside are analysed and numbered as tshark and the references see them (inner addresses
// and ports). Decoders, each given the bytes after the outer IP (GRE) or UDP (the others) header:
//
//   GRE      IP protocol 47. RFC 2784 with RFC 2890's key and sequence number; version 0 only
//            (version 1 is PPTP's PPP carrier) and no RFC 1701 routing. Protocol types IPv4
//            0x0800, IPv6 0x86dd, transparent Ethernet bridging 0x6558, ERSPAN 0x88be and 0x22eb.
//   ERSPAN   draft-foschiano-erspan: 0x88be without a GRE sequence number is type I (no ERSPAN
//            header), with one type II (8-byte header, version 1); 0x22eb is type III (12-byte
//            header, version 2, plus the 8-byte platform subheader when its O bit is set) whose
//            frame type is Ethernet (0) or IP (2).
//   VXLAN    UDP port 4789, RFC 7348: an 8-byte header, then Ethernet. The flags are not
//            checked (the RFC has receivers ignore the reserved ones; tshark does not check I).
//   Geneve   UDP port 6081, RFC 8926: version 0, options skipped by their length, inner by
//            protocol type (Ethernet 0x6558, IPv4, IPv6).
//   GTP-U    UDP port 2152, 3GPP TS 29.281: version 1, protocol type 1, message type G-PDU
//            (255); the optional fields and the chain of extension headers skipped; inner IP.
//
// UDP tunnels are recognised by either port, destination first (a reply comes from the port).
// Every decoder is bounded by its input; nesting is bounded by the caller (kMaxTunnelDepth).

#include <cstdint>
#include <string_view>

#include "core/byte_reader.h"
#include "core/result.h"
#include "tcp/packet.h"

namespace fp::capture {

// Tunnels unwrapped inside one captured packet; a packet nested deeper is analysed as the
// tunnel packet it is at that depth. Real captures nest two or three (ERSPAN, then VXLAN).
inline constexpr size_t kMaxTunnelDepth = 4;

namespace tunnel_port {
inline constexpr uint16_t kVxlan = 4789;
inline constexpr uint16_t kGeneve = 6081;
inline constexpr uint16_t kGtpUser = 2152;
}  // namespace tunnel_port
inline constexpr uint8_t kIpProtocolGre = 47;

// What a tunnel carries, as a view into the decoder's input.
struct TunnelPayload {
  enum class Kind : uint8_t { kEthernet, kIp } kind = Kind::kIp;
  Bytes bytes;  // from the Ethernet header (kEthernet) or the IP header (kIp) on
};

enum class TunnelError : uint8_t {
  kNotTunnel,    // neither GRE nor UDP to or from a tunnel port
  kTruncated,    // shorter than the headers it announces
  kUnsupported,  // a version, flag, protocol or message type that carries no frame we decode
  kNotIp,        // the inner Ethernet frame carries no IPv4/IPv6 packet (ARP, LLDP ...)
};

[[nodiscard]] std::string_view describe(TunnelError error) noexcept;

[[nodiscard]] Result<TunnelPayload, TunnelError> decapsulate_gre(Bytes gre) noexcept;
[[nodiscard]] Result<TunnelPayload, TunnelError> decapsulate_vxlan(Bytes vxlan) noexcept;
[[nodiscard]] Result<TunnelPayload, TunnelError> decapsulate_geneve(Bytes geneve) noexcept;
[[nodiscard]] Result<TunnelPayload, TunnelError> decapsulate_gtp_user(Bytes gtp) noexcept;

// The IP packet inside `packet` (a parsed outer packet) when it is a tunnel: GRE by IP protocol,
// the UDP tunnels by port. An inner Ethernet frame is unwrapped too (VLAN tags included).
// kNotTunnel when the packet is no tunnel; the other errors as the decoders report them.
[[nodiscard]] Result<Bytes, TunnelError> inner_ip_packet(const tcp::Packet& packet) noexcept;

}  // namespace fp::capture
