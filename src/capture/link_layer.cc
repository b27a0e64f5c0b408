#include "capture/link_layer.h"

#include <array>

namespace fp::capture {
namespace {

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
// VLAN tags (802.1Q, 802.1ad QinQ and its pre-standard 0x9100) stack in any number.
constexpr std::array<uint16_t, 3> kEtherVlan = {0x8100, 0x88a8, 0x9100};
constexpr size_t kMaxVlanTags = 8;

std::optional<Bytes> by_ethertype(uint16_t ethertype, Bytes rest) {
  if (ethertype == kEtherIpv4 || ethertype == kEtherIpv6) return rest;
  return std::nullopt;
}

bool is_vlan(uint16_t ethertype) {
  for (uint16_t v : kEtherVlan) {
    if (v == ethertype) return true;
  }
  return false;
}

std::optional<Bytes> ethernet(Bytes frame) {
  ByteReader r(frame);
  if (!r.skip(12)) return std::nullopt;
  auto type = r.u16();
  for (size_t tags = 0; type && is_vlan(*type) && tags < kMaxVlanTags; ++tags) {
    if (!r.skip(2)) return std::nullopt;  // tag control information
    type = r.u16();
  }
  if (!type) return std::nullopt;
  return by_ethertype(*type, r.rest());
}

std::optional<Bytes> linux_sll(Bytes frame) {
  // packet type, ARPHRD type, address length, 8 address bytes, then the protocol.
  ByteReader r(frame);
  if (!r.skip(14)) return std::nullopt;
  auto protocol = r.u16();
  if (!protocol) return std::nullopt;
  return by_ethertype(*protocol, r.rest());
}

std::optional<Bytes> linux_sll2(Bytes frame) {
  // The protocol comes first; the remaining 18 header bytes are interface and address data.
  ByteReader r(frame);
  auto protocol = r.u16();
  if (!protocol || !r.skip(18)) return std::nullopt;
  return by_ethertype(*protocol, r.rest());
}

std::optional<Bytes> raw_ip(Bytes frame) {
  if (frame.empty()) return std::nullopt;
  const uint8_t version = frame[0] >> 4;
  if (version != 4 && version != 6) return std::nullopt;
  return frame;
}

// BSD loopback: a 4-byte address family whose byte order is the capturing host's (DLT_NULL) or
// network order (DLT_LOOP). IPv6 is 24, 28 or 30 depending on the BSD. Rather than trust the
// order, accept the family in either order and check the IP version nibble.
std::optional<Bytes> bsd_loopback(Bytes frame) {
  ByteReader r(frame);
  if (!r.skip(4)) return std::nullopt;
  return raw_ip(r.rest());
}

using Decoder = std::optional<Bytes> (*)(Bytes);

struct LinkDecoder {
  int link_type;
  Decoder decode;
};

constexpr std::array<LinkDecoder, 10> kDecoders = {{
    {linktype::kNull, bsd_loopback},
    {linktype::kEthernet, ethernet},
    {linktype::kRawBsd, raw_ip},
    {linktype::kRawOpenBsd, raw_ip},
    {linktype::kRaw, raw_ip},
    {linktype::kLoop, bsd_loopback},
    {linktype::kLinuxSll, linux_sll},
    {linktype::kIpv4, raw_ip},
    {linktype::kIpv6, raw_ip},
    {linktype::kLinuxSll2, linux_sll2},
}};

Decoder decoder_for(int link_type) {
  for (const auto& d : kDecoders) {
    if (d.link_type == link_type) return d.decode;
  }
  return nullptr;
}

}  // namespace

bool link_type_supported(int link_type) noexcept { return decoder_for(link_type) != nullptr; }

std::optional<Bytes> ip_packet_of_frame(int link_type, Bytes frame) noexcept {
  const Decoder decode = decoder_for(link_type);
  if (decode == nullptr) return std::nullopt;
  return decode(frame);
}

}  // namespace fp::capture
