#include "capture/encapsulation.h"

#include <array>

#include "capture/link_layer.h"

namespace fp::capture {
namespace {

using Decoded = Result<TunnelPayload, TunnelError>;

constexpr uint16_t kProtoIpv4 = 0x0800;
constexpr uint16_t kProtoIpv6 = 0x86dd;
constexpr uint16_t kProtoEthernet = 0x6558;  // transparent Ethernet bridging
constexpr uint16_t kProtoErspan12 = 0x88be;  // ERSPAN types I and II
constexpr uint16_t kProtoErspan3 = 0x22eb;

Decoded truncated() { return Unexpected{TunnelError::kTruncated}; }
Decoded unsupported() { return Unexpected{TunnelError::kUnsupported}; }

Decoded ethernet(Bytes bytes) { return TunnelPayload{TunnelPayload::Kind::kEthernet, bytes}; }
Decoded ip(Bytes bytes) { return TunnelPayload{TunnelPayload::Kind::kIp, bytes}; }

// The protocol-type field GRE and Geneve share (an EtherType, RFC 2784 section 2.4).
Decoded by_protocol_type(uint16_t type, Bytes rest) {
  switch (type) {
    case kProtoIpv4:
    case kProtoIpv6:
      return ip(rest);
    case kProtoEthernet:
      return ethernet(rest);
    default:
      return unsupported();
  }
}

// ERSPAN type II: Ver(4) VLAN(12) COS(3) En(2) T(1) Session(10) Reserved(12) Index(20).
Decoded erspan2(Bytes bytes) {
  ByteReader r(bytes);
  auto word = r.u16();
  if (!word || !r.skip(6)) return truncated();
  if ((*word >> 12) != 1) return unsupported();
  return ethernet(r.rest());
}

// ERSPAN type III: Ver(4) VLAN(12) COS(3) BSO(2) T(1) Session(10), Timestamp(32),
// SGT(16) P(1) FT(5) HW-ID(6) D(1) Gra(2) O(1), then an 8-byte platform subheader if O.
Decoded erspan3(Bytes bytes) {
  constexpr uint8_t kFrameEthernet = 0;
  constexpr uint8_t kFrameIp = 2;
  ByteReader r(bytes);
  auto first = r.u16();
  if (!first || !r.skip(8)) return truncated();  // session word, timestamp, SGT
  auto last = r.u16();
  if (!last) return truncated();
  if ((*first >> 12) != 2) return unsupported();
  if ((*last & 1) != 0 && !r.skip(8)) return truncated();
  const uint8_t frame_type = (*last >> 10) & 0x1f;
  if (frame_type == kFrameEthernet) return ethernet(r.rest());
  if (frame_type == kFrameIp) return ip(r.rest());
  return unsupported();
}

using Decoder = Decoded (*)(Bytes) noexcept;

struct PortDecoder {
  uint16_t port;
  Decoder decode;
};

constexpr std::array<PortDecoder, 3> kUdpTunnels = {{
    {tunnel_port::kVxlan, decapsulate_vxlan},
    {tunnel_port::kGeneve, decapsulate_geneve},
    {tunnel_port::kGtpUser, decapsulate_gtp_user},
}};

Decoder udp_decoder(uint16_t port) {
  for (const auto& d : kUdpTunnels) {
    if (d.port == port) return d.decode;
  }
  return nullptr;
}

Result<TunnelPayload, TunnelError> payload_of(const tcp::Packet& packet) {
  if (packet.transport == tcp::Packet::Transport::kOther && packet.ip.protocol == kIpProtocolGre) {
    return decapsulate_gre(packet.payload);
  }
  if (packet.transport != tcp::Packet::Transport::kUdp) return Unexpected{TunnelError::kNotTunnel};
  Decoder decode = udp_decoder(packet.udp.dst_port);
  if (decode == nullptr) decode = udp_decoder(packet.udp.src_port);
  if (decode == nullptr) return Unexpected{TunnelError::kNotTunnel};
  return decode(packet.payload);
}

}  // namespace

std::string_view describe(TunnelError error) noexcept {
  switch (error) {
    case TunnelError::kNotTunnel:
      return "not a tunnel";
    case TunnelError::kTruncated:
      return "tunnel header truncated";
    case TunnelError::kUnsupported:
      return "tunnel version, flags or payload type not decoded";
    case TunnelError::kNotIp:
      return "tunnelled frame carries no IP packet";
  }
  return "unknown tunnel error";
}

// RFC 2784 section 2: C(1) R(1) K(1) S(1) s(1) Recur(3) A(1) Flags(4) Ver(3), Protocol Type(16);
// checksum and reserved1 (4 bytes) when C (or RFC 1701's R) is set, then the RFC 2890 key and
// sequence number (4 bytes each) when K and S are.
Decoded decapsulate_gre(Bytes gre) noexcept {
  constexpr uint16_t kChecksum = 0x8000, kRouting = 0x4000, kKey = 0x2000, kSequence = 0x1000;
  constexpr uint16_t kVersion = 0x0007;
  ByteReader r(gre);
  auto flags = r.u16();
  auto type = r.u16();
  if (!flags || !type) return truncated();
  if ((*flags & kVersion) != 0 || (*flags & kRouting) != 0) return unsupported();
  if ((*flags & kChecksum) != 0 && !r.skip(4)) return truncated();
  if ((*flags & kKey) != 0 && !r.skip(4)) return truncated();
  const bool sequenced = (*flags & kSequence) != 0;
  if (sequenced && !r.skip(4)) return truncated();
  if (*type == kProtoErspan12) return sequenced ? erspan2(r.rest()) : ethernet(r.rest());
  if (*type == kProtoErspan3) return erspan3(r.rest());
  return by_protocol_type(*type, r.rest());
}

// RFC 7348 section 5: Flags(8) Reserved(24) VNI(24) Reserved(8), then the inner Ethernet frame.
Decoded decapsulate_vxlan(Bytes vxlan) noexcept {
  ByteReader r(vxlan);
  if (!r.skip(8)) return truncated();
  return ethernet(r.rest());
}

// RFC 8926 section 3.4: Ver(2) Opt Len(6) O(1) C(1) Rsvd(6) Protocol Type(16) VNI(24)
// Reserved(8), then Opt Len 4-byte words of options.
Decoded decapsulate_geneve(Bytes geneve) noexcept {
  ByteReader r(geneve);
  auto first = r.u8();
  if (!first || !r.skip(1)) return truncated();
  auto type = r.u16();
  if (!type || !r.skip(4)) return truncated();
  if ((*first >> 6) != 0) return unsupported();
  if (!r.skip(size_t{*first & 0x3fu} * 4)) return truncated();
  return by_protocol_type(*type, r.rest());
}

// TS 29.281 section 5.1: Version(3) PT(1) spare(1) E(1) S(1) PN(1), Message Type(8), Length(16),
// TEID(32); when any of E, S, PN: Sequence Number(16), N-PDU Number(8), Next Extension Header
// Type(8). Section 5.2: each extension header is Length(8, in 4-byte units, the whole header)
// content, Next Extension Header Type(8); type 0 ends the chain.
Decoded decapsulate_gtp_user(Bytes gtp) noexcept {
  constexpr uint8_t kGPdu = 0xff;
  constexpr uint8_t kExtension = 0x04, kSequence = 0x02, kNPdu = 0x01;
  ByteReader r(gtp);
  auto first = r.u8();
  auto message = r.u8();
  auto length = r.u16();
  if (!first || !message || !length || !r.skip(4)) return truncated();
  if ((*first >> 5) != 1 || (*first & 0x10) == 0) return unsupported();  // GTPv1, not GTP'
  if (*message != kGPdu) return unsupported();  // echo, error indication, end marker: no user data
  uint8_t next = 0;
  if ((*first & (kExtension | kSequence | kNPdu)) != 0) {
    if (!r.skip(3)) return truncated();
    auto type = r.u8();
    if (!type) return truncated();
    if ((*first & kExtension) != 0) next = *type;  // meaningful only with E set
  }
  while (next != 0) {
    auto units = r.u8();
    if (!units) return truncated();
    if (*units == 0) return unsupported();  // a zero length would never advance
    if (!r.skip(size_t{*units} * 4 - 2)) return truncated();
    auto type = r.u8();
    if (!type) return truncated();
    next = *type;
  }
  Bytes inner = r.rest();
  if (inner.empty()) return truncated();
  const uint8_t version = inner[0] >> 4;
  if (version != 4 && version != 6) return unsupported();
  return ip(inner);
}

Result<Bytes, TunnelError> inner_ip_packet(const tcp::Packet& packet) noexcept {
  auto payload = payload_of(packet);
  if (!payload) return Unexpected{payload.error()};
  if (payload->kind == TunnelPayload::Kind::kIp) return payload->bytes;
  auto inner = ip_packet_of_frame(linktype::kEthernet, payload->bytes);
  if (!inner) return Unexpected{TunnelError::kNotIp};
  return *inner;
}

}  // namespace fp::capture
