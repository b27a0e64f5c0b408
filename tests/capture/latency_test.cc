// JA4L arithmetic and packet choice (capture/latency.h). The values follow from the timestamps
// by the formula of FoxIO's Rust tool: (later - earlier) / 2, truncated, then `_` and the TTL.
// The end-to-end values of the reference pcaps are checked by tests/golden/check_foxio.py.
#include "capture/latency.h"

#include <gtest/gtest.h>

namespace fp::capture {
namespace {

tcp::Packet tcp_packet(int64_t t_us, uint8_t flags, uint8_t ttl) {
  tcp::Packet p;
  p.transport = tcp::Packet::Transport::kTcp;
  p.timestamp_us = t_us;
  p.tcp.flags = flags;
  p.ip.ttl = p.outer_ttl = ttl;
  return p;
}

constexpr uint8_t kSyn = tcp::flag::kSyn, kAck = tcp::flag::kAck;

TEST(Ja4lValue, HalvesAndTruncates) {
  EXPECT_EQ(ja4l_value(1000, 1071, 64), "35_64");
  EXPECT_EQ(ja4l_value(1000, 1000, 128), "0_128");
  EXPECT_EQ(ja4l_value(0, 3'000'001, 255), "1500000_255");  // whole seconds are kept
}

TEST(TcpLatency, SynSynAckAck) {
  StreamRecord r;
  TcpLatency l;
  l.on_packet(tcp_packet(1'000, kSyn, 64), r);
  l.on_packet(tcp_packet(38'722, kSyn | kAck, 59), r);
  EXPECT_FALSE(r.ja4l_c);
  l.on_packet(tcp_packet(38'792, kAck, 64), r);
  EXPECT_EQ(r.ja4l_s, "18861_59");  // server: (SYN-ACK - SYN) / 2, the SYN-ACK's TTL
  EXPECT_EQ(r.ja4l_c, "35_64");     // client: (ACK - SYN-ACK) / 2, the SYN's TTL
}

// Only the SYN and ACK bits count (an ECN SYN is a SYN; a data segment's ACK is the third
// timestamp), from either side; the first packet of each kind after the previous one.
TEST(TcpLatency, SynAndAckBitsOnlyFirstOfEachKind) {
  StreamRecord r;
  TcpLatency l;
  constexpr uint8_t kEcn = tcp::flag::kEce | tcp::flag::kCwr, kPsh = tcp::flag::kPsh;
  l.on_packet(tcp_packet(0, kAck, 1), r);                              // before any SYN
  l.on_packet(tcp_packet(100, kSyn | kEcn, 64), r);                    // A
  l.on_packet(tcp_packet(150, kSyn, 64), r);                           // retransmission
  l.on_packet(tcp_packet(300, kAck | kPsh, 9), r);                     // not a SYN-ACK
  l.on_packet(tcp_packet(400, kSyn | kAck | tcp::flag::kEce, 50), r);  // B
  l.on_packet(tcp_packet(450, kSyn | kAck, 50), r);                    // retransmission
  l.on_packet(tcp_packet(501, kAck | kPsh, 50), r);  // C, though the server sent it
  l.on_packet(tcp_packet(900, kAck, 64), r);         // after: ignored
  EXPECT_EQ(r.ja4l_s, "150_50");
  EXPECT_EQ(r.ja4l_c, "50_64");
}

TEST(TcpLatency, IncompleteHandshakeGivesNothing) {
  StreamRecord r;
  TcpLatency l;
  l.on_packet(tcp_packet(0, kSyn, 64), r);
  l.on_packet(tcp_packet(10, kAck, 64), r);  // no SYN-ACK seen
  l.on_packet(tcp_packet(20, tcp::flag::kRst, 64), r);
  EXPECT_FALSE(r.ja4l_c);
  EXPECT_FALSE(r.ja4l_s);
}

TEST(TtlAsReferencesRead, FirstIpv4HeaderElseFirstIpv6) {
  const auto header = [](uint8_t version, uint8_t ttl) {
    tcp::IpHeader h;
    h.version = version;
    h.ttl = ttl;
    return h;
  };
  const tcp::IpHeader v6_outer = header(6, 60), v4_mid = header(4, 255), v4_inner = header(4, 64);
  TtlAsReferencesRead gre;
  for (const auto& h : {v4_mid, v4_inner}) gre.note(h);
  EXPECT_EQ(gre.value(), 255);
  TtlAsReferencesRead mixed;
  for (const auto& h : {v6_outer, v4_mid, v4_inner}) mixed.note(h);
  EXPECT_EQ(mixed.value(), 255);
  TtlAsReferencesRead plain6;
  plain6.note(v6_outer);
  EXPECT_EQ(plain6.value(), 60);
}

// A QUIC v1 long-header datagram of `type` (0 Initial, 2 Handshake) or a short header (-1).
tcp::Packet quic_packet(int64_t t_us, bool from_client, int type, uint8_t ttl) {
  static const std::vector<std::vector<uint8_t>> kDatagrams = {
      {0xc0, 0, 0, 0, 1, 0, 0},  // Initial
      {0xe0, 0, 0, 0, 1, 0, 0},  // Handshake
      {0x40, 1, 2, 3},           // short header
  };
  tcp::Packet p;
  p.transport = tcp::Packet::Transport::kUdp;
  p.timestamp_us = t_us;
  p.ip.ttl = p.outer_ttl = ttl;
  p.udp.src_port = from_client ? 50000 : 443;
  p.udp.dst_port = from_client ? 443 : 50000;
  p.payload = kDatagrams[type == 0 ? 0 : type == 2 ? 1 : 2];
  return p;
}

TEST(QuicLatency, LastServerHandshakeBeforeClientHandshake) {
  StreamRecord r;
  QuicLatency l;
  l.on_datagram(quic_packet(1'000, true, 0, 64), r);    // A
  l.on_datagram(quic_packet(1'500, true, 0, 64), r);    // a second client Initial: ignored
  l.on_datagram(quic_packet(19'570, false, 0, 56), r);  // B
  l.on_datagram(quic_packet(19'600, false, 2, 56), r);
  l.on_datagram(quic_packet(19'700, false, 2, 56), r);  // C: the last one before D
  l.on_datagram(quic_packet(19'750, true, -1, 64), r);  // short header: ignored
  EXPECT_FALSE(r.ja4l_c);
  l.on_datagram(quic_packet(19'926, true, 2, 64), r);  // D
  EXPECT_EQ(r.ja4l_s, "9285_56");
  EXPECT_EQ(r.ja4l_c, "113_64");
}

TEST(QuicLatency, NeitherPort443IsNotCounted) {
  StreamRecord r;
  QuicLatency l;
  tcp::Packet a = quic_packet(0, true, 0, 64);
  a.udp.dst_port = 8443;
  l.on_datagram(a, r);
  l.on_datagram(quic_packet(10, false, 0, 56), r);
  l.on_datagram(quic_packet(20, false, 2, 56), r);
  l.on_datagram(quic_packet(30, true, 2, 64), r);
  EXPECT_FALSE(r.ja4l_c);
}

}  // namespace
}  // namespace fp::capture
