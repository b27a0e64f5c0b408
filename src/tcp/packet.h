#pragma once
// IPv4 / IPv6 and TCP / UDP header parsing: one packet's bytes from the IP header on, as views
// into the caller's buffer. Records every field the TCP fingerprints (JA4T, p0f) read.
//
// IPv4: RFC 791 (options kept as options_length; the reserved "evil" bit recorded).
// IPv6: RFC 8200; the extension headers hop-by-hop (0), routing (43), fragment (44), destination
// options (60) and AH (51, RFC 4302) are walked to the upper-layer protocol, at most
// kMaxIpv6ExtensionHeaders of them. ESP (50) and "no next header" (59) end the walk: transport
// kOther.
// Fragments (both versions): the first fragment (offset 0) is parsed like a whole packet (its
// transport header is there; the payload is what this fragment holds); any later fragment is
// PacketError::kFragment.
// TCP: RFC 9293 with options in wire order (see TcpHeader).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/inline_vector.h"
#include "core/result.h"

namespace fp::tcp {

// IPv6 extension headers followed before giving up on finding the transport header (RFC 8200
// lets a packet chain any number; real traffic has one or two). Past this: kBadHeader.
inline constexpr size_t kMaxIpv6ExtensionHeaders = 8;

struct IpAddress {
  uint8_t version = 4;              // 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes
  bool operator==(const IpAddress&) const = default;
  auto operator<=>(const IpAddress&) const = default;
  [[nodiscard]] std::string to_string() const;  // inet_ntop form ("2001:db8::1")
};

struct IpHeader {
  uint8_t version = 4;
  uint8_t ttl = 0;          // hop limit for IPv6
  uint8_t tos = 0;          // DSCP+ECN, traffic class for IPv6
  uint32_t flow_label = 0;  // IPv6 only
  uint16_t id = 0;          // IPv4 only
  bool dont_fragment = false;
  bool more_fragments = false;
  uint16_t fragment_offset = 0;  // in 8-byte units (IPv6: from the fragment header)
  bool reserved_bit = false;     // IPv4 "evil bit", a p0f quirk (0+)
  size_t header_length = 0;      // including options / IPv6 extension headers
  size_t options_length = 0;     // IPv4 options bytes; p0f's olen
  uint8_t protocol = 0;          // upper-layer protocol after extension headers
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

// Options: `options` lists them in wire order, NOP (1) included, up to and including the first
// EOL (0); parsing stops there. An option whose length byte is missing, below 2 or runs past the
// header is not listed, sets options_malformed and ends the list. Known options keep whatever
// length they were sent with (an MSS of length 5 is listed with 3 data bytes).
struct TcpHeader {
  uint16_t src_port = 0, dst_port = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint8_t reserved = 0;  // the 4 reserved bits of RFC 9293 (the low one was RFC 3540's NS flag)
  uint16_t window = 0;
  uint16_t urgent_pointer = 0;
  size_t header_length = 0;
  // In wire order, NOP (1) and EOL (0) included. At most 40: the option area is 40 bytes.
  InlineVector<TcpOption, 40> options;
  bool options_malformed = false;  // an option ran past the header (p0f "bad")
  size_t bytes_after_eol = 0;      // option bytes after EOL
  bool nonzero_after_eol = false;  // any of them nonzero (p0f "opt+")
  size_t zeros_after_eol = 0;      // zero bytes right after EOL, before any nonzero one (JA4T)
  Bytes options_raw;               // the option bytes as sent (header_length - 20 of them)

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
  Bytes payload;             // TCP/UDP payload, cut to what the capture holds
  bool truncated = false;    // the IP total length claims more bytes than were captured
  int64_t timestamp_us = 0;  // capture time, set by the caller (parse_ip_packet leaves it 0)
  // TTL as FoxIO's tools read it for JA4L: in a tunnel, the outermost IPv4 header's (IPv6's when
  // there is no IPv4 one); set by the caller (capture/latency.h), parse_ip_packet leaves it 0.
  uint8_t outer_ttl = 0;
};

enum class PacketError : uint8_t {
  kTruncated,   // shorter than the headers it announces
  kBadVersion,  // neither 4 nor 6
  kBadHeader,   // a header length field below its minimum
  kFragment,    // a non-first IPv4 or IPv6 fragment: no transport header to read
};

[[nodiscard]] std::string_view describe(PacketError error) noexcept;

// `data` starts at the IP header. The returned views point into `data`.
// Lengths: the packet is cut to the IP total length (IPv4 total length, IPv6 40 + payload length;
// a zero length field, as TCP segmentation offload leaves it, means "what was captured"). When
// the length claims more than `data` holds, what is there is used and `truncated` is set.
// Errors: kBadVersion; kTruncated when a header (IP, extension, TCP, UDP) is cut short, TCP
// options included; kBadHeader for IHL < 5, TCP data offset < 5, an IPv4 total length below the
// header length or too many IPv6 extension headers; kFragment as above.
[[nodiscard]] Result<Packet, PacketError> parse_ip_packet(Bytes data) noexcept;
// The same into `out` (reset first; nullopt on success), for a caller that parses every frame
// into one Packet: a Packet is about 1 KiB, and returning it by value cost more than parsing it.
// On error `out` holds what was read.
[[nodiscard]] std::optional<PacketError> parse_ip_packet_into(Bytes data, Packet& out) noexcept;
// Deleted: the result would point into a temporary.
Result<Packet, PacketError> parse_ip_packet(std::vector<uint8_t>&&) = delete;
std::optional<PacketError> parse_ip_packet_into(std::vector<uint8_t>&&, Packet&) = delete;

}  // namespace fp::tcp
