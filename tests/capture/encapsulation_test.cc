// Tunnel decapsulation. Every tunnel header is written out field by field from its
// specification's diagram (cited at each builder); the expected inner bytes are the ones the test
// put in.
#include "capture/encapsulation.h"

#include <gtest/gtest.h>

#include "capture/conversation.h"
#include "tcp/packet_builder.h"

namespace fp::capture {
namespace {

using test::Wire;
namespace pb = fp::tcp::test;
using pb::cat;
using Kind = TunnelPayload::Kind;

// An inner IPv4 packet (a TCP SYN) and an Ethernet frame around it.
const Wire kInnerIp =
    pb::ipv4({.src = "10.1.1.1", .dst = "10.2.2.2"},
             pb::tcp_segment({.sport = 40000, .dport = 443, .seq = 1, .flags = tcp::flag::kSyn}));
const Wire kMacs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
const Wire kInnerEthernet = cat({kMacs, {0x08, 0x00}, kInnerIp});
const Wire kInnerArp = cat({kMacs, {0x08, 0x06}, Wire(28, 0)});

Wire bytes_of(Bytes b) { return Wire(b.begin(), b.end()); }

// The payload's kind and bytes, or a marker no test expects.
std::pair<Kind, Wire> decoded(const Result<TunnelPayload, TunnelError>& r) {
  if (!r) return {Kind::kIp, {0xde, 0xad}};
  return {r->kind, bytes_of(r->bytes)};
}

TunnelError error_of(const Result<TunnelPayload, TunnelError>& r) {
  return r ? TunnelError::kNotTunnel : r.error();  // kNotTunnel: the decoders never return it
}

// ---- GRE: RFC 2784 section 2.1, RFC 2890 section 2 ----------------------------------------

TEST(Gre, MinimalHeaderIpv4) {
  const Wire gre = cat({{0x00, 0x00, 0x08, 0x00}, kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(Gre, ChecksumKeyAndSequenceAreSkipped) {
  // C, K and S set: checksum + reserved1, key, sequence number: 12 bytes after the 4.
  const Wire gre = cat({{0xb0, 0x00, 0x86, 0xdd},
                        {0x12, 0x34, 0x00, 0x00},
                        {0xaa, 0xbb, 0xcc, 0xdd},
                        {0x00, 0x00, 0x00, 0x07},
                        kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(Gre, KeyOnly) {
  const Wire gre = cat({{0x20, 0x00, 0x08, 0x00}, {0, 0, 0, 42}, kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(Gre, TransparentEthernetBridging) {
  const Wire gre = cat({{0x00, 0x00, 0x65, 0x58}, kInnerEthernet});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kEthernet, kInnerEthernet));
}

TEST(Gre, VersionOneAndRoutingAreNotDecoded) {
  // Version 1 is PPTP's enhanced GRE carrying PPP (RFC 2637); R is RFC 1701 source routing.
  EXPECT_EQ(error_of(decapsulate_gre(cat({{0x30, 0x01, 0x88, 0x0b}, Wire(8, 0)}))),
            TunnelError::kUnsupported);
  EXPECT_EQ(error_of(decapsulate_gre(cat({{0x40, 0x00, 0x08, 0x00}, kInnerIp}))),
            TunnelError::kUnsupported);
}

TEST(Gre, UnknownProtocolType) {
  EXPECT_EQ(error_of(decapsulate_gre(cat({{0x00, 0x00, 0x88, 0x0b}, kInnerIp}))),
            TunnelError::kUnsupported);
}

TEST(Gre, Truncated) {
  EXPECT_EQ(error_of(decapsulate_gre({})), TunnelError::kTruncated);
  EXPECT_EQ(error_of(decapsulate_gre(Wire{0x00, 0x00, 0x08})), TunnelError::kTruncated);
  // K and S announced, only the key present.
  EXPECT_EQ(error_of(decapsulate_gre(Wire{0x30, 0x00, 0x08, 0x00, 0, 0, 0, 1})),
            TunnelError::kTruncated);
}

// ---- ERSPAN: draft-foschiano-erspan-03 sections 4.1-4.3 --------------------------------------

TEST(Erspan, TypeOneHasNoHeader) {
  // GRE without a sequence number, protocol 0x88be: the mirrored frame follows directly.
  const Wire gre = cat({{0x00, 0x00, 0x88, 0xbe}, kInnerEthernet});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kEthernet, kInnerEthernet));
}

TEST(Erspan, TypeTwo) {
  // GRE with S; ERSPAN II: Ver=1 VLAN=100, COS=0 En=3 T=0 Session=5, Reserved Index=0x12345.
  const Wire gre = cat({{0x10, 0x00, 0x88, 0xbe},
                        {0x00, 0x00, 0x00, 0x09},
                        {0x10, 0x64, 0x18, 0x05, 0x00, 0x01, 0x23, 0x45},
                        kInnerEthernet});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kEthernet, kInnerEthernet));
}

TEST(Erspan, TypeTwoWrongVersion) {
  const Wire gre = cat({{0x10, 0x00, 0x88, 0xbe},
                        {0x00, 0x00, 0x00, 0x09},
                        {0x20, 0x64, 0x18, 0x05, 0x00, 0x01, 0x23, 0x45},
                        kInnerEthernet});
  EXPECT_EQ(error_of(decapsulate_gre(gre)), TunnelError::kUnsupported);
}

// ERSPAN III: Ver=2 VLAN=0, COS/BSO/T/Session=7, Timestamp, SGT, then P FT(5) HW-ID D Gra O.
Wire erspan3(uint8_t frame_type, bool optional_subheader) {
  const uint16_t low = uint16_t((frame_type & 0x1f) << 10) | (optional_subheader ? 1 : 0);
  return {0x20,        0x00, 0x00, 0x07, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, uint8_t(low >> 8),
          uint8_t(low)};
}

TEST(Erspan, TypeThreeEthernet) {
  const Wire gre = cat({{0x10, 0x00, 0x22, 0xeb}, {0, 0, 0, 1}, erspan3(0, false), kInnerEthernet});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kEthernet, kInnerEthernet));
}

TEST(Erspan, TypeThreePlatformSubheaderSkipped) {
  const Wire gre = cat(
      {{0x10, 0x00, 0x22, 0xeb}, {0, 0, 0, 1}, erspan3(0, true), Wire(8, 0x5a), kInnerEthernet});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kEthernet, kInnerEthernet));
}

TEST(Erspan, TypeThreeIpFrame) {
  const Wire gre = cat({{0x10, 0x00, 0x22, 0xeb}, {0, 0, 0, 1}, erspan3(2, false), kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gre(gre)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(Erspan, TypeThreeOtherFrameTypeAndTruncation) {
  const Wire other = cat({{0x10, 0x00, 0x22, 0xeb}, {0, 0, 0, 1}, erspan3(1, false), kInnerIp});
  EXPECT_EQ(error_of(decapsulate_gre(other)), TunnelError::kUnsupported);
  const Wire cut = cat({{0x10, 0x00, 0x22, 0xeb}, {0, 0, 0, 1}, Wire{0x20, 0x00, 0x00}});
  EXPECT_EQ(error_of(decapsulate_gre(cut)), TunnelError::kTruncated);
  const Wire no_subheader = cat({{0x10, 0x00, 0x22, 0xeb}, {0, 0, 0, 1}, erspan3(0, true), {1}});
  EXPECT_EQ(error_of(decapsulate_gre(no_subheader)), TunnelError::kTruncated);
}

// ---- VXLAN: RFC 7348 section 5 ----------------------------------------------------------

TEST(Vxlan, HeaderThenEthernet) {
  const Wire vxlan = cat({{0x08, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00}, kInnerEthernet});
  EXPECT_EQ(decoded(decapsulate_vxlan(vxlan)), std::make_pair(Kind::kEthernet, kInnerEthernet));
}

TEST(Vxlan, Truncated) {
  EXPECT_EQ(error_of(decapsulate_vxlan(Wire{0x08, 0, 0, 0, 0, 0x12, 0x34})),
            TunnelError::kTruncated);
}

// ---- Geneve: RFC 8926 section 3.4 -------------------------------------------------------

TEST(Geneve, EthernetWithoutOptions) {
  const Wire geneve = cat({{0x00, 0x00, 0x65, 0x58, 0x00, 0x00, 0x0a, 0x00}, kInnerEthernet});
  EXPECT_EQ(decoded(decapsulate_geneve(geneve)), std::make_pair(Kind::kEthernet, kInnerEthernet));
}

TEST(Geneve, OptionsSkippedInnerIp) {
  // Opt Len 2 (8 bytes): one option, class 0x0102 type 0x80 length 1 (4 data bytes); C set.
  const Wire geneve = cat({{0x02, 0x40, 0x08, 0x00, 0x00, 0x00, 0x0a, 0x00},
                           {0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef},
                           kInnerIp});
  EXPECT_EQ(decoded(decapsulate_geneve(geneve)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(Geneve, VersionOptionsPastEndAndUnknownProtocol) {
  const Wire v1 = cat({{0x40, 0x00, 0x65, 0x58, 0x00, 0x00, 0x0a, 0x00}, kInnerEthernet});
  EXPECT_EQ(error_of(decapsulate_geneve(v1)), TunnelError::kUnsupported);
  const Wire long_options = {0x3f, 0x00, 0x65, 0x58, 0x00, 0x00, 0x0a, 0x00, 1, 2, 3, 4};
  EXPECT_EQ(error_of(decapsulate_geneve(long_options)), TunnelError::kTruncated);
  const Wire mpls = cat({{0x00, 0x00, 0x88, 0x47, 0x00, 0x00, 0x0a, 0x00}, kInnerIp});
  EXPECT_EQ(error_of(decapsulate_geneve(mpls)), TunnelError::kUnsupported);
  EXPECT_EQ(error_of(decapsulate_geneve(Wire{0x00, 0x00, 0x65})), TunnelError::kTruncated);
}

// ---- GTP-U: 3GPP TS 29.281 sections 5.1 and 5.2 ------------------------------------------

Wire gtp_header(uint8_t flags, uint8_t message, size_t length) {
  return {flags, message, uint8_t(length >> 8), uint8_t(length), 0x00, 0x00, 0x12, 0x34};
}

TEST(GtpUser, GPduWithoutOptionalFields) {
  // 0x30: version 1, PT 1, no E/S/PN.
  const Wire gtp = cat({gtp_header(0x30, 0xff, kInnerIp.size()), kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gtp_user(gtp)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(GtpUser, SequenceNumberPresent) {
  const Wire gtp =
      cat({gtp_header(0x32, 0xff, kInnerIp.size() + 4), {0x00, 0x01, 0x00, 0x00}, kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gtp_user(gtp)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(GtpUser, ExtensionHeaderChain) {
  // E set, next type 0x85 (PDU Session Container, 1 unit: length, 2 content bytes, next type),
  // then 0x40 (UDP Port, 1 unit), then 0 ends the chain.
  const Wire gtp = cat({gtp_header(0x34, 0xff, 0),
                        {0x00, 0x00, 0x00, 0x85},
                        {0x01, 0x10, 0x09, 0x40},
                        {0x01, 0x08, 0x68, 0x00},
                        kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gtp_user(gtp)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(GtpUser, LongerExtensionHeader) {
  // Length 2: 8 bytes in all.
  const Wire gtp = cat({gtp_header(0x34, 0xff, 0),
                        {0x00, 0x00, 0x00, 0x85},
                        {0x02, 1, 2, 3, 4, 5, 6, 0x00},
                        kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gtp_user(gtp)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(GtpUser, NextTypeIgnoredWithoutE) {
  // S set, E clear: the next-extension field is not meaningful and no extension follows.
  const Wire gtp = cat({gtp_header(0x32, 0xff, 0), {0x00, 0x01, 0x00, 0x85}, kInnerIp});
  EXPECT_EQ(decoded(decapsulate_gtp_user(gtp)), std::make_pair(Kind::kIp, kInnerIp));
}

TEST(GtpUser, NotUserData) {
  EXPECT_EQ(error_of(decapsulate_gtp_user(gtp_header(0x32, 0x01, 4))),  // echo request
            TunnelError::kUnsupported);
  EXPECT_EQ(error_of(decapsulate_gtp_user(cat({gtp_header(0x20, 0xff, 0), kInnerIp}))),  // GTP'
            TunnelError::kUnsupported);
  EXPECT_EQ(error_of(decapsulate_gtp_user(cat({gtp_header(0x50, 0xff, 0), kInnerIp}))),  // v2
            TunnelError::kUnsupported);
  const Wire not_ip = cat({gtp_header(0x30, 0xff, 4), {0x00, 0x01, 0x02, 0x03}});
  EXPECT_EQ(error_of(decapsulate_gtp_user(not_ip)), TunnelError::kUnsupported);
}

TEST(GtpUser, MalformedExtensions) {
  const Wire zero_length =
      cat({gtp_header(0x34, 0xff, 0), {0x00, 0x00, 0x00, 0x85}, {0x00, 0, 0, 0}, kInnerIp});
  EXPECT_EQ(error_of(decapsulate_gtp_user(zero_length)), TunnelError::kUnsupported);
  const Wire past_end = cat({gtp_header(0x34, 0xff, 0), {0x00, 0x00, 0x00, 0x85}, {0x05, 1, 2}});
  EXPECT_EQ(error_of(decapsulate_gtp_user(past_end)), TunnelError::kTruncated);
  EXPECT_EQ(error_of(decapsulate_gtp_user(gtp_header(0x34, 0xff, 0))), TunnelError::kTruncated);
  EXPECT_EQ(error_of(decapsulate_gtp_user(gtp_header(0x30, 0xff, 0))), TunnelError::kTruncated);
}

// ---- From an outer packet to the inner IP packet -----------------------------------------

Wire vxlan_of(const Wire& ethernet) {
  return cat({{0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00}, ethernet});
}

Result<Wire, TunnelError> inner_of(const Wire& outer) {
  auto packet = tcp::parse_ip_packet(outer);
  if (!packet) return Unexpected{TunnelError::kTruncated};
  auto inner = inner_ip_packet(*packet);
  if (!inner) return Unexpected{inner.error()};
  return bytes_of(*inner);
}

TEST(InnerIpPacket, VxlanByDestinationOrSourcePort) {
  const Wire to =
      pb::ipv4({.protocol = 17}, pb::udp_datagram(51000, 4789, vxlan_of(kInnerEthernet)));
  const Wire from =
      pb::ipv4({.protocol = 17}, pb::udp_datagram(4789, 51000, vxlan_of(kInnerEthernet)));
  auto a = inner_of(to), b = inner_of(from);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, kInnerIp);
  EXPECT_EQ(*b, kInnerIp);
}

TEST(InnerIpPacket, GreOverIpv6) {
  const Wire outer = pb::ipv6({.protocol = 47}, cat({{0x00, 0x00, 0x08, 0x00}, kInnerIp}));
  auto inner = inner_of(outer);
  ASSERT_TRUE(inner);
  EXPECT_EQ(*inner, kInnerIp);
}

TEST(InnerIpPacket, GeneveAndGtpUser) {
  const Wire geneve =
      pb::ipv4({.protocol = 17},
               pb::udp_datagram(1234, 6081, cat({{0, 0, 0x65, 0x58, 0, 0, 1, 0}, kInnerEthernet})));
  const Wire gtp = pb::ipv4(
      {.protocol = 17}, pb::udp_datagram(2152, 2152, cat({gtp_header(0x30, 0xff, 0), kInnerIp})));
  auto a = inner_of(geneve), b = inner_of(gtp);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, kInnerIp);
  EXPECT_EQ(*b, kInnerIp);
}

TEST(InnerIpPacket, NotTunnels) {
  EXPECT_EQ(inner_of(kInnerIp).error(), TunnelError::kNotTunnel);  // TCP
  const Wire dns = pb::ipv4({.protocol = 17}, pb::udp_datagram(5353, 53, Wire(12, 0)));
  EXPECT_EQ(inner_of(dns).error(), TunnelError::kNotTunnel);
  // TCP to port 4789 is no VXLAN.
  const Wire tcp = pb::ipv4({}, pb::tcp_segment({.sport = 4789, .dport = 4789}));
  EXPECT_EQ(inner_of(tcp).error(), TunnelError::kNotTunnel);
}

TEST(InnerIpPacket, InnerFrameWithoutIp) {
  const Wire outer = pb::ipv4({.protocol = 17}, pb::udp_datagram(1, 4789, vxlan_of(kInnerArp)));
  EXPECT_EQ(inner_of(outer).error(), TunnelError::kNotIp);
}

// ---- Through the analyzer ---------------------------------------------------------------

// `inner` (IP bytes) wrapped in `layers` tunnels, alternating VXLAN and GRE, outermost last.
Wire nested(const Wire& inner, size_t layers) {
  Wire packet = inner;
  for (size_t i = 0; i < layers; ++i) {
    if (i % 2 == 0) {
      packet =
          pb::ipv4({.protocol = 17, .src = "192.0.2.1", .dst = "192.0.2.2"},
                   pb::udp_datagram(50000, 4789, vxlan_of(cat({kMacs, {0x08, 0x00}, packet}))));
    } else {
      packet = pb::ipv4({.protocol = 47, .src = "198.51.100.1", .dst = "198.51.100.2"},
                        cat({{0x00, 0x00, 0x08, 0x00}, packet}));
    }
  }
  return packet;
}

TEST(AnalyzerTunnels, InnerFlowIsAnalysed) {
  const test::Conversation c({"10.16.27.12", 65174, 100}, {"10.16.27.131", 80, 900});
  test::Collector out;
  for (const Wire& p : {c.syn(), c.syn_ack(), c.ack()}) out.add(nested(p, 2));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].transport, "tcp");
  EXPECT_EQ(records[0].stream, 0u);
  EXPECT_EQ(records[0].src.to_string(), "10.16.27.12");
  EXPECT_EQ(records[0].dst.to_string(), "10.16.27.131");
  // JA4T of the SYN: window 64240 (packet_builder's default), Linux options, MSS 1460, scale 7.
  ASSERT_TRUE(records[0].ja4t.has_value());
  EXPECT_EQ(records[0].ja4t->substr(records[0].ja4t->find('_')), "_2-4-8-1-3_1460_7");
  EXPECT_EQ(out.counters().udp_streams + out.counters().tcp_streams, 2u);  // outer UDP, inner TCP
}

TEST(AnalyzerTunnels, NestingDeeperThanTheLimitIsNotUnwrapped) {
  const test::Conversation c({"10.0.0.1", 1000, 1}, {"10.0.0.2", 80, 2});
  test::Collector within, beyond;
  within.add(nested(c.syn(), kMaxTunnelDepth));
  beyond.add(nested(c.syn(), kMaxTunnelDepth + 1));
  EXPECT_EQ(within.finish().size(), 1u);
  EXPECT_EQ(beyond.finish().size(), 0u);
  EXPECT_EQ(within.counters().tunnel_layers, kMaxTunnelDepth);
  EXPECT_EQ(within.counters().tunnels_too_deep, 0u);
  EXPECT_EQ(beyond.counters().tunnel_layers, kMaxTunnelDepth);
  EXPECT_EQ(beyond.counters().tunnels_too_deep, 1u);
}

TEST(AnalyzerTunnels, BrokenTunnelsAreCounted) {
  test::Collector out;
  out.add(pb::ipv4({.protocol = 17}, pb::udp_datagram(1, 4789, vxlan_of(kInnerArp))));
  out.add(pb::ipv4({.protocol = 47}, Wire{0x00, 0x00}));
  out.finish();
  EXPECT_EQ(out.counters().not_ip, 1u);
  EXPECT_EQ(out.counters().ip_errors, 1u);
}

TEST(AnalyzerTunnels, UndecodedTunnelMessageIsPlainUdp) {
  // A GTP-U echo request carries no user data: one UDP stream, no error.
  test::Collector out;
  out.add(pb::ipv4({.protocol = 17},
                   pb::udp_datagram(2152, 2152, cat({gtp_header(0x32, 0x01, 4), Wire(4, 0)}))));
  out.finish();
  EXPECT_EQ(out.counters().udp_streams, 1u);
  EXPECT_EQ(out.counters().ip_errors, 0u);
}

}  // namespace
}  // namespace fp::capture
