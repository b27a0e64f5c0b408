#pragma once
// IPv4 / IPv6 and TCP / UDP header parsing: one packet's bytes from the IP header on, as views
// into the caller's buffer. Records every field the TCP fingerprints (JA4T, p0f) read.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"

namespace fp::tcp {

struct IpAddress {
  uint8_t version = 4;              // 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes
  bool operator==(const IpAddress&) const = default;
  auto operator<=>(const IpAddress&) const = default;
  [[nodiscard]] std::string to_string() const;  // inet_ntop form ("2001:db8::1")
};

struct IpHeader {
  uint8_t version = 4;
  uint8_t ttl = 0;            // hop limit for IPv6
  uint8_t tos = 0;            // DSCP+ECN, traffic class for IPv6
  uint32_t flow_label = 0;    // IPv6 only
  uint16_t id = 0;            // IPv4 only
  bool dont_fragment = false;
  bool more_fragments = false;
  uint16_t fragment_offset = 0;
  bool reserved_bit = false;  // IPv4 "evil bit", a p0f quirk (0+)
  size_t header_length = 0;   // including options / IPv6 extension headers
  size_t options_length = 0;  // IPv4 options bytes; p0f's olen
  uint8_t protocol = 0;       // upper-layer protocol after extension headers
  IpAddress src, dst;
};

namespace flag {
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                         kUrg = 0x20, kEce = 0x40, kCwr = 0x80;
}

struct TcpOption {
  uint8_t kind = 0;
  Bytes data;  // without kind and length bytes
};

struct TcpHeader {
  uint16_t src_port = 0, dst_port = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint8_t reserved = 0;  // the 3 (RFC 9293: 4) reserved bits; nonzero is a quirk
  uint16_t window = 0;
  uint16_t urgent_pointer = 0;
  size_t header_length = 0;
  std::vector<TcpOption> options;  // in wire order, NOP (1) and EOL (0) included
  bool options_malformed = false;  // an option ran past the header (p0f "bad")
  size_t bytes_after_eol = 0;      // option bytes after EOL
  bool nonzero_after_eol = false;  // any of them nonzero (p0f "opt+")

  [[nodiscard]] bool has(uint8_t f) const noexcept { return (flags & f) != 0; }
};

struct UdpHeader {
  uint16_t src_port = 0, dst_port = 0;
  uint16_t length = 0;
};

struct Packet {
  IpHeader ip;
  enum class Transport : uint8_t { kTcp, kUdp, kOther } transport = Transport::kOther;
  TcpHeader tcp;
  UdpHeader udp;
  Bytes payload;  // TCP/UDP payload, cut to what the capture holds
  bool truncated = false;  // the IP total length claims more bytes than were captured
};

enum class PacketError : uint8_t {
  kTruncated,   // shorter than the headers it announces
  kBadVersion,  // neither 4 nor 6
  kBadHeader,   // a header length field below its minimum
  kFragment,    // a non-first IPv4 fragment, or an IPv6 fragment: no transport header to read
};

[[nodiscard]] std::string_view describe(PacketError error) noexcept;

// `data` starts at the IP header. The returned views point into `data`.
[[nodiscard]] Result<Packet, PacketError> parse_ip_packet(Bytes data) noexcept;

}  // namespace fp::tcp
