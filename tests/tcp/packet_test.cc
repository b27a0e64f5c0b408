#include "tcp/packet.h"

#include <gtest/gtest.h>

#include "tcp/packet_builder.h"

namespace fp::tcp {
namespace {

using test::cat;
using test::Wire;

Wire linux_syn() { return test::ipv4({}, test::tcp_segment({.options = test::linux_options()})); }

std::vector<uint8_t> kinds(const TcpHeader& t) {
  std::vector<uint8_t> out;
  for (const TcpOption& o : t.options) out.push_back(o.kind);
  return out;
}

TEST(ParseIpPacket, Ipv4SynFields) {
  const Wire w = linux_syn();
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ip.version, 4);
  EXPECT_EQ(p->ip.ttl, 64);
  EXPECT_EQ(p->ip.id, 0x1234);
  EXPECT_TRUE(p->ip.dont_fragment);
  EXPECT_FALSE(p->ip.more_fragments);
  EXPECT_FALSE(p->ip.reserved_bit);
  EXPECT_EQ(p->ip.header_length, 20u);
  EXPECT_EQ(p->ip.options_length, 0u);
  EXPECT_EQ(p->ip.protocol, 6);
  EXPECT_EQ(p->ip.src.to_string(), "10.0.0.1");
  EXPECT_EQ(p->ip.dst.to_string(), "10.0.0.2");
  ASSERT_EQ(p->transport, Packet::Transport::kTcp);
  EXPECT_EQ(p->tcp.src_port, 40000);
  EXPECT_EQ(p->tcp.dst_port, 443);
  EXPECT_EQ(p->tcp.seq, 1000u);
  EXPECT_EQ(p->tcp.flags, flag::kSyn);
  EXPECT_TRUE(p->tcp.has(flag::kSyn));
  EXPECT_EQ(p->tcp.window, 64240);
  EXPECT_EQ(p->tcp.header_length, 40u);
  EXPECT_EQ(kinds(p->tcp), (std::vector<uint8_t>{2, 4, 8, 1, 3}));
  EXPECT_EQ(p->tcp.options[0].data.size(), 2u);
  EXPECT_EQ(p->tcp.options[2].data.size(), 8u);
  EXPECT_EQ(p->tcp.options_raw.size(), 20u);
  EXPECT_FALSE(p->tcp.options_malformed);
  EXPECT_TRUE(p->payload.empty());
  EXPECT_FALSE(p->truncated);
}

TEST(ParseIpPacket, Ipv4OptionsAndFlags) {
  const Wire w = test::ipv4(
      {.ttl = 128, .tos = 0xB8, .df = false, .reserved = true, .options = {0x94, 0x04, 0x00, 0x00}},
      test::tcp_segment({.flags = flag::kSyn | flag::kAck, .reserved = 1}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ip.header_length, 24u);
  EXPECT_EQ(p->ip.options_length, 4u);
  EXPECT_EQ(p->ip.tos, 0xB8);
  EXPECT_TRUE(p->ip.reserved_bit);
  EXPECT_FALSE(p->ip.dont_fragment);
  EXPECT_EQ(p->tcp.reserved, 1);
  EXPECT_TRUE(p->tcp.has(flag::kAck));
  EXPECT_TRUE(p->tcp.options.empty());
}

TEST(ParseIpPacket, NonFirstIpv4FragmentHasNoTransport) {
  const Wire w = test::ipv4({.mf = true, .fragment_offset = 185}, Wire(40, 0xAB));
  auto p = parse_ip_packet(w);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), PacketError::kFragment);
}

TEST(ParseIpPacket, FirstIpv4FragmentParsesTransport) {
  const Wire w = test::ipv4({.df = false, .mf = true},
                            test::tcp_segment({.flags = flag::kAck, .payload = Wire(100, 1)}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->ip.more_fragments);
  EXPECT_EQ(p->ip.fragment_offset, 0);
  EXPECT_EQ(p->payload.size(), 100u);
}

TEST(ParseIpPacket, TotalLengthCutsLinkPadding) {
  Wire w = test::ipv4({}, test::tcp_segment({.flags = flag::kAck}));
  w.insert(w.end(), 6, 0);  // Ethernet minimum-frame padding
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->payload.empty());
  EXPECT_FALSE(p->truncated);
}

TEST(ParseIpPacket, ShortCaptureIsTruncatedButParsed) {
  Wire w = test::ipv4({}, test::tcp_segment({.flags = flag::kAck, .payload = Wire(100, 7)}));
  w.resize(w.size() - 60);  // snaplen
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->truncated);
  EXPECT_EQ(p->payload.size(), 40u);
}

TEST(ParseIpPacket, ZeroTotalLengthMeansCaptured) {  // TSO
  const Wire w = test::ipv4({.total_length = 0}, test::tcp_segment({.payload = Wire(3000, 1)}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->payload.size(), 3000u);
  EXPECT_FALSE(p->truncated);
}

TEST(ParseIpPacket, HeaderErrors) {
  const Wire syn = linux_syn();
  EXPECT_EQ(parse_ip_packet(Bytes{}).error(), PacketError::kTruncated);
  EXPECT_EQ(parse_ip_packet(Bytes(syn).first(19)).error(), PacketError::kTruncated);
  Wire v5 = syn;
  v5[0] = 0x55;
  EXPECT_EQ(parse_ip_packet(v5).error(), PacketError::kBadVersion);
  const Wire ihl4 = test::ipv4({.ihl = 4}, test::tcp_segment({}));
  EXPECT_EQ(parse_ip_packet(ihl4).error(), PacketError::kBadHeader);
  const Wire ihl15 = test::ipv4({.ihl = 15}, {});
  EXPECT_EQ(parse_ip_packet(ihl15).error(), PacketError::kBadHeader);  // total 20 < 60
  const Wire short_total = test::ipv4({.total_length = 19}, test::tcp_segment({}));
  EXPECT_EQ(parse_ip_packet(short_total).error(), PacketError::kBadHeader);
  EXPECT_EQ(parse_ip_packet(Bytes(syn).first(20 + 19)).error(), PacketError::kTruncated);
  EXPECT_EQ(parse_ip_packet(Bytes(syn).first(20 + 30)).error(), PacketError::kTruncated);
  const Wire doff4 = test::ipv4({}, test::tcp_segment({.data_offset = 4}));
  EXPECT_EQ(parse_ip_packet(doff4).error(), PacketError::kBadHeader);
}

TEST(ParseIpPacket, Ipv6Fields) {
  const Wire w = test::ipv6({.hop_limit = 57, .traffic_class = 0xB9, .flow_label = 0x12345},
                            test::tcp_segment({.options = test::linux_options(1440)}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ip.version, 6);
  EXPECT_EQ(p->ip.ttl, 57);
  EXPECT_EQ(p->ip.tos, 0xB9);
  EXPECT_EQ(p->ip.flow_label, 0x12345u);
  EXPECT_EQ(p->ip.header_length, 40u);
  EXPECT_EQ(p->ip.options_length, 0u);
  EXPECT_EQ(p->ip.src.to_string(), "2001:db8::1");
  EXPECT_EQ(p->ip.dst.to_string(), "2001:db8::2");
  EXPECT_EQ(p->transport, Packet::Transport::kTcp);
  EXPECT_EQ(kinds(p->tcp), (std::vector<uint8_t>{2, 4, 8, 1, 3}));
}

TEST(ParseIpPacket, Ipv6ExtensionHeadersAreWalked) {
  const Wire w = test::ipv6({.extensions = {{0, {1, 4, 0, 0, 0, 0}},
                                            {60, Wire(12, 0)},
                                            {43, {0, 0, 0, 0, 0, 0}},
                                            {51, Wire(14, 0xEE)}}},
                            test::tcp_segment({.payload = {'h', 'i'}}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ip.protocol, 6);
  EXPECT_EQ(p->ip.header_length, 40u + 8 + 16 + 8 + 16);
  ASSERT_EQ(p->transport, Packet::Transport::kTcp);
  EXPECT_EQ(p->tcp.dst_port, 443);
  EXPECT_EQ(p->payload.size(), 2u);
}

TEST(ParseIpPacket, Ipv6Fragments) {
  const Wire first =
      test::ipv6({.extensions = {{44, test::fragment_body(0, true)}}}, test::tcp_segment({}));
  auto p = parse_ip_packet(first);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->ip.more_fragments);
  EXPECT_EQ(p->transport, Packet::Transport::kTcp);
  EXPECT_EQ(p->ip.header_length, 48u);
  const Wire later =
      test::ipv6({.extensions = {{44, test::fragment_body(100, false)}}}, Wire(64, 3));
  EXPECT_EQ(parse_ip_packet(later).error(), PacketError::kFragment);
}

TEST(ParseIpPacket, Ipv6EspAndNoNextHeaderAreOther) {
  const Wire esp = test::ipv6({.protocol = 50}, Wire(32, 9));
  auto p = parse_ip_packet(esp);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->transport, Packet::Transport::kOther);
  EXPECT_EQ(p->ip.protocol, 50);
  EXPECT_EQ(p->payload.size(), 32u);
}

TEST(ParseIpPacket, Ipv6ExtensionErrors) {
  std::vector<test::ExtensionHeader> many(kMaxIpv6ExtensionHeaders + 1, {60, {}});
  const Wire chain = test::ipv6({.extensions = many}, test::tcp_segment({}));
  EXPECT_EQ(parse_ip_packet(chain).error(), PacketError::kBadHeader);
  const Wire ext = test::ipv6({.extensions = {{60, Wire(30, 0)}}}, {});
  EXPECT_EQ(parse_ip_packet(Bytes(ext).first(50)).error(), PacketError::kTruncated);
  EXPECT_EQ(parse_ip_packet(Bytes(ext).first(39)).error(), PacketError::kTruncated);
}

TEST(ParseIpPacket, Udp) {
  const Wire w = test::ipv4({.protocol = 17}, test::udp_datagram(5353, 53, Wire(10, 1), 8 + 4));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->transport, Packet::Transport::kUdp);
  EXPECT_EQ(p->udp.src_port, 5353);
  EXPECT_EQ(p->udp.dst_port, 53);
  EXPECT_EQ(p->udp.length, 12);
  EXPECT_EQ(p->payload.size(), 4u);  // the UDP length cuts the datagram
  const Wire cut = test::ipv4({.protocol = 17}, Wire(5, 0));
  EXPECT_EQ(parse_ip_packet(cut).error(), PacketError::kTruncated);
}

TEST(TcpOptions, EolPaddingIsCounted) {
  const Wire w = test::ipv4(
      {}, test::tcp_segment(
              {.options = cat({test::mss(1460), test::sok(), test::eol(), Wire{0, 0, 0, 0, 0}})}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(kinds(p->tcp), (std::vector<uint8_t>{2, 4, 0}));
  EXPECT_EQ(p->tcp.bytes_after_eol, 5u);
  EXPECT_EQ(p->tcp.zeros_after_eol, 5u);
  EXPECT_FALSE(p->tcp.nonzero_after_eol);
  EXPECT_FALSE(p->tcp.options_malformed);
}

TEST(TcpOptions, NonzeroAfterEol) {
  const Wire w =
      test::ipv4({}, test::tcp_segment({.options = cat({test::mss(1460), Wire{0, 0, 7, 0}})}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(kinds(p->tcp), (std::vector<uint8_t>{2, 0}));
  EXPECT_EQ(p->tcp.bytes_after_eol, 3u);
  EXPECT_EQ(p->tcp.zeros_after_eol, 1u);
  EXPECT_TRUE(p->tcp.nonzero_after_eol);
}

TEST(TcpOptions, MalformedOptionsStopTheList) {
  struct Case {
    Wire options;
    std::vector<uint8_t> kinds;
  };
  const std::vector<Case> cases{
      {cat({test::mss(1460), Wire{30, 1, 1, 1}}), {2}},  // length below 2
      {cat({test::mss(1460), Wire{30, 8, 1, 1}}), {2}},  // past the header
      {cat({test::mss(1460), test::nop(), test::nop(), test::nop(), Wire{8}}),
       {2, 1, 1, 1}},  // no length byte
  };
  for (const Case& c : cases) {
    const Wire w = test::ipv4({}, test::tcp_segment({.options = c.options}));
    auto p = parse_ip_packet(w);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(kinds(p->tcp), c.kinds);
  }
  const Wire bad = test::ipv4({}, test::tcp_segment({.options = {30, 8, 1, 1}}));
  EXPECT_TRUE(parse_ip_packet(bad)->tcp.options_malformed);
}

TEST(IpAddress, ToString) {
  IpAddress v4{.version = 4, .bytes = {192, 168, 0, 1}};
  EXPECT_EQ(v4.to_string(), "192.168.0.1");
  IpAddress loop{.version = 6, .bytes = {}};
  loop.bytes[15] = 1;
  EXPECT_EQ(loop.to_string(), "::1");
  IpAddress mapped{.version = 6, .bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 1}};
  EXPECT_EQ(mapped.to_string(), "::ffff:10.0.0.1");
}

}  // namespace
}  // namespace fp::tcp
