// TCP (RFC 9293) and UDP (RFC 768) headers. Every read goes through ByteReader.
#include "tcp/transport.h"

namespace fp::tcp::detail {
namespace {

constexpr size_t kTcpMinHeader = 20;
constexpr size_t kUdpHeader = 8;
constexpr uint8_t kOptEol = 0, kOptNop = 1;

// After EOL the rest of the option space is padding. Wireshark (and so the FoxIO references,
// which read tshark's tcp.option_kind) lists each zero padding byte as another EOL and stops at
// the first nonzero byte; zeros_after_eol keeps that count for JA4T.
void note_after_eol(ByteReader& r, TcpHeader& tcp) noexcept {
  tcp.bytes_after_eol = r.remaining();
  bool zeros = true;
  while (auto b = r.u8()) {
    if (*b != 0) {
      tcp.nonzero_after_eol = true;
      zeros = false;
    } else if (zeros) {
      ++tcp.zeros_after_eol;
    }
  }
}

// Reads one option with a length byte; false (and nothing listed) when it is malformed.
bool read_long_option(ByteReader& r, uint8_t kind, TcpHeader& tcp) noexcept {
  auto length = r.u8();
  if (!length || *length < 2) return false;
  auto data = r.bytes(*length - 2u);
  if (!data) return false;
  tcp.options.push_back({kind, *data});
  return true;
}

}  // namespace

void parse_tcp_options(Bytes raw, TcpHeader& tcp) noexcept {
  ByteReader r(raw);
  while (auto kind = r.u8()) {
    if (*kind == kOptEol) {
      tcp.options.push_back({kOptEol, {}});
      note_after_eol(r, tcp);
      return;
    }
    if (*kind == kOptNop) {
      tcp.options.push_back({kOptNop, {}});
    } else if (!read_long_option(r, *kind, tcp)) {
      tcp.options_malformed = true;
      return;
    }
  }
}

std::optional<PacketError> parse_tcp(Bytes segment, Packet& packet) noexcept {
  if (segment.size() < kTcpMinHeader) return PacketError::kTruncated;
  ByteReader r(segment);  // the fixed reads below cannot fail past this size check
  TcpHeader& t = packet.tcp;
  auto sport = r.u16(), dport = r.u16();
  auto seq = r.u32(), ack = r.u32();
  auto offset = r.u8(), flags = r.u8();
  auto window = r.u16(), checksum = r.u16(), urgent = r.u16();
  if (!urgent || !checksum) return PacketError::kTruncated;
  t.src_port = *sport;
  t.dst_port = *dport;
  t.seq = *seq;
  t.ack = *ack;
  t.header_length = static_cast<size_t>(*offset >> 4) * 4;
  t.reserved = *offset & 0x0F;
  t.flags = *flags;
  t.window = *window;
  t.urgent_pointer = *urgent;
  if (t.header_length < kTcpMinHeader) return PacketError::kBadHeader;
  auto options = r.bytes(t.header_length - kTcpMinHeader);
  if (!options) return PacketError::kTruncated;
  t.options_raw = *options;
  parse_tcp_options(*options, t);
  packet.transport = Packet::Transport::kTcp;
  packet.payload = r.rest();
  return std::nullopt;
}

std::optional<PacketError> parse_udp(Bytes datagram, Packet& packet) noexcept {
  if (datagram.size() < kUdpHeader) return PacketError::kTruncated;
  ByteReader r(datagram);
  auto sport = r.u16(), dport = r.u16(), length = r.u16(), checksum = r.u16();
  if (!checksum || !length) return PacketError::kTruncated;
  packet.udp = {*sport, *dport, *length};
  packet.transport = Packet::Transport::kUdp;
  // The UDP length may cut the datagram shorter than IP did; never longer.
  Bytes payload = r.rest();
  if (*length >= kUdpHeader && *length - kUdpHeader < payload.size()) {
    payload = payload.first(*length - kUdpHeader);
  }
  packet.payload = payload;
  return std::nullopt;
}

}  // namespace fp::tcp::detail
