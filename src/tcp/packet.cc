// parse_ip_packet: IPv4 (RFC 791) and IPv6 (RFC 8200) headers, then the transport dispatch.
#include <algorithm>
#include <array>

#include "tcp/packet.h"
#include "tcp/transport.h"

namespace fp::tcp {
namespace {

using detail::parse_tcp;
using detail::parse_udp;

constexpr size_t kIpv4MinHeader = 20;
constexpr size_t kIpv6Header = 40;
constexpr uint16_t kIpv4Reserved = 0x8000, kIpv4DontFragment = 0x4000, kIpv4MoreFragments = 0x2000;
constexpr uint16_t kIpv4OffsetMask = 0x1FFF;

// Upper-layer protocols we read (Zeek-style dispatch data, STYLE.md 5).
struct TransportRule {
  uint8_t protocol;
  std::optional<PacketError> (*parse)(Bytes, Packet&) noexcept;
};
constexpr std::array<TransportRule, 2> kTransports{{{6, parse_tcp}, {17, parse_udp}}};

// IPv6 extension headers and how their length field counts.
enum class ExtShape : uint8_t { kEightOctetUnits, kFragment, kAuthentication };
struct ExtensionRule {
  uint8_t next_header;
  ExtShape shape;
};
constexpr std::array<ExtensionRule, 5> kExtensions{{{0, ExtShape::kEightOctetUnits},
                                                    {43, ExtShape::kEightOctetUnits},
                                                    {44, ExtShape::kFragment},
                                                    {51, ExtShape::kAuthentication},
                                                    {60, ExtShape::kEightOctetUnits}}};

const ExtensionRule* find_extension(uint8_t next_header) noexcept {
  auto it = std::find_if(kExtensions.begin(), kExtensions.end(),
                         [&](const ExtensionRule& e) { return e.next_header == next_header; });
  return it == kExtensions.end() ? nullptr : &*it;
}

std::optional<PacketError> finish(Packet& packet, Bytes upper) noexcept {
  auto it = std::find_if(kTransports.begin(), kTransports.end(),
                         [&](const TransportRule& t) { return t.protocol == packet.ip.protocol; });
  if (it == kTransports.end()) {
    packet.transport = Packet::Transport::kOther;
    packet.payload = upper;
    return std::nullopt;
  }
  return it->parse(upper, packet);
}

// Cuts `data` to the length the IP header claims; a claim of 0 (TSO) means "all captured".
Bytes cut_to_length(Bytes data, size_t claimed, Packet& packet) noexcept {
  if (claimed == 0) return data;
  if (claimed > data.size()) {
    packet.truncated = true;
    return data;
  }
  return data.first(claimed);
}

void read_address(ByteReader& r, size_t n, IpAddress& address) noexcept {
  address.version = n == 4 ? 4 : 6;
  if (auto b = r.bytes(n)) std::copy(b->begin(), b->end(), address.bytes.begin());
}

std::optional<PacketError> parse_ipv4(Bytes data, Packet& p) noexcept {
  if (data.size() < kIpv4MinHeader) return PacketError::kTruncated;
  ByteReader r(data);  // the fixed reads below cannot fail past this size check
  IpHeader& ip = p.ip;
  const uint8_t version_ihl = r.u8().value_or(0);
  ip.version = 4;
  ip.tos = r.u8().value_or(0);
  const uint16_t total_length = r.u16().value_or(0);
  ip.id = r.u16().value_or(0);
  const uint16_t flags_offset = r.u16().value_or(0);
  ip.ttl = r.u8().value_or(0);
  ip.protocol = r.u8().value_or(0);
  (void)r.skip(2);  // header checksum
  read_address(r, 4, ip.src);
  read_address(r, 4, ip.dst);
  ip.header_length = size_t{version_ihl & 0x0Fu} * 4;
  if (ip.header_length < kIpv4MinHeader) return PacketError::kBadHeader;
  if (total_length != 0 && total_length < ip.header_length) {
    return PacketError::kBadHeader;
  }
  if (data.size() < ip.header_length) return PacketError::kTruncated;
  ip.options_length = ip.header_length - kIpv4MinHeader;
  ip.reserved_bit = (flags_offset & kIpv4Reserved) != 0;
  ip.dont_fragment = (flags_offset & kIpv4DontFragment) != 0;
  ip.more_fragments = (flags_offset & kIpv4MoreFragments) != 0;
  ip.fragment_offset = flags_offset & kIpv4OffsetMask;
  if (ip.fragment_offset != 0) return PacketError::kFragment;
  const Bytes upper = cut_to_length(data, total_length, p).subspan(ip.header_length);
  return finish(p, upper);
}

// Skips one extension header; nullopt when it is cut short. Sets next_header to the following one.
std::optional<PacketError> skip_extension(ByteReader& r, const ExtensionRule& rule, IpHeader& ip,
                                          uint8_t& next_header) noexcept {
  auto next = r.u8(), length = r.u8();
  if (!length) return PacketError::kTruncated;
  next_header = *next;
  size_t rest = 0;  // bytes of this header after the two read above
  switch (rule.shape) {
    case ExtShape::kEightOctetUnits:
      rest = (size_t{*length} + 1) * 8 - 2;
      break;
    case ExtShape::kAuthentication:
      rest = (size_t{*length} + 2) * 4 - 2;
      break;
    case ExtShape::kFragment: {
      auto offset_flags = r.u16();
      if (!offset_flags || !r.skip(4)) return PacketError::kTruncated;
      ip.fragment_offset = *offset_flags >> 3;
      ip.more_fragments = (*offset_flags & 1) != 0;
      if (ip.fragment_offset != 0) return PacketError::kFragment;
      return std::nullopt;
    }
  }
  if (!r.skip(rest)) return PacketError::kTruncated;
  return std::nullopt;
}

std::optional<PacketError> parse_ipv6(Bytes data, Packet& p) noexcept {
  if (data.size() < kIpv6Header) return PacketError::kTruncated;
  ByteReader r(data);  // the fixed reads below cannot fail past this size check
  IpHeader& ip = p.ip;
  const uint32_t first = r.u32().value_or(0);
  ip.version = 6;
  ip.tos = static_cast<uint8_t>(first >> 20);
  ip.flow_label = first & 0xFFFFF;
  const uint16_t payload_length = r.u16().value_or(0);
  uint8_t next_header = r.u8().value_or(0);
  ip.ttl = r.u8().value_or(0);
  read_address(r, 16, ip.src);
  read_address(r, 16, ip.dst);
  Bytes packet = cut_to_length(data, payload_length == 0 ? 0 : kIpv6Header + payload_length, p);
  ByteReader ext(packet.subspan(kIpv6Header));
  size_t count = 0;
  for (const ExtensionRule* rule; (rule = find_extension(next_header)) != nullptr; ++count) {
    if (count == kMaxIpv6ExtensionHeaders) return PacketError::kBadHeader;
    if (auto error = skip_extension(ext, *rule, ip, next_header)) return *error;
  }
  ip.protocol = next_header;
  ip.header_length = kIpv6Header + ext.position();
  return finish(p, ext.rest());
}

}  // namespace

std::optional<PacketError> parse_ip_packet_into(Bytes data, Packet& out) noexcept {
  out = Packet{};
  if (data.empty()) return PacketError::kTruncated;
  switch (data[0] >> 4) {
    case 4:
      return parse_ipv4(data, out);
    case 6:
      return parse_ipv6(data, out);
    default:
      return PacketError::kBadVersion;
  }
}

Result<Packet, PacketError> parse_ip_packet(Bytes data) noexcept {
  Packet packet;
  if (const auto error = parse_ip_packet_into(data, packet)) return Unexpected{*error};
  return packet;
}

}  // namespace fp::tcp
