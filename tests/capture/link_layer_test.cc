#include "capture/link_layer.h"

#include <gtest/gtest.h>

#include <vector>

namespace fp::capture {
namespace {

using Wire = std::vector<uint8_t>;

Wire cat(std::initializer_list<Wire> parts) {
  Wire out;
  for (const Wire& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A minimal IPv4 header (version nibble 4) and IPv6 header (nibble 6); the link layer only looks
// at the first nibble, so the rest is filler.
const Wire kIpv4 = {0x45, 0x00, 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const Wire kIpv6 = {0x60, 0, 0, 0, 0, 0, 6, 64, 0xaa, 0xbb};

const Wire kMacs(12, 0xee);  // destination and source MAC

Wire payload_of(int link_type, const Wire& frame) {
  auto ip = ip_packet_of_frame(link_type, frame);
  if (!ip) return {0xde, 0xad};  // a marker that no test expects
  return Wire(ip->begin(), ip->end());
}

bool decodes(int link_type, const Wire& frame) {
  return ip_packet_of_frame(link_type, frame).has_value();
}

TEST(LinkLayer, EverySupportedTypeIsSupported) {
  for (int t : {linktype::kNull, linktype::kEthernet, linktype::kRawBsd, linktype::kRawOpenBsd,
                linktype::kRaw, linktype::kLoop, linktype::kLinuxSll, linktype::kIpv4,
                linktype::kIpv6, linktype::kLinuxSll2}) {
    EXPECT_TRUE(link_type_supported(t)) << t;
  }
}

TEST(LinkLayer, UnknownTypes) {
  for (int t : {-1, 2, 105 /* 802.11 */, 127 /* radiotap */, 147, 100000}) {
    EXPECT_FALSE(link_type_supported(t)) << t;
    EXPECT_FALSE(decodes(t, kIpv4)) << t;
  }
}

TEST(LinkLayer, EthernetIpv4AndIpv6) {
  EXPECT_EQ(payload_of(linktype::kEthernet, cat({kMacs, {0x08, 0x00}, kIpv4})), kIpv4);
  EXPECT_EQ(payload_of(linktype::kEthernet, cat({kMacs, {0x86, 0xdd}, kIpv6})), kIpv6);
}

TEST(LinkLayer, EthernetNotIp) {
  EXPECT_FALSE(decodes(linktype::kEthernet, cat({kMacs, {0x08, 0x06}, kIpv4})));  // ARP
  EXPECT_FALSE(decodes(linktype::kEthernet, cat({kMacs, {0x88, 0xcc}, kIpv4})));  // LLDP
}

TEST(LinkLayer, Ethernet8021QSingleTag) {
  const Wire frame = cat({kMacs, {0x81, 0x00, 0x00, 0x64, 0x08, 0x00}, kIpv4});
  EXPECT_EQ(payload_of(linktype::kEthernet, frame), kIpv4);
}

TEST(LinkLayer, Ethernet8021adDoubleTag) {
  // QinQ: an outer 802.1ad service tag, then an inner 802.1Q tag, then IPv6.
  const Wire frame =
      cat({kMacs, {0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x86, 0xdd}, kIpv6});
  EXPECT_EQ(payload_of(linktype::kEthernet, frame), kIpv6);
}

TEST(LinkLayer, EthernetPreStandardQinQ) {
  const Wire frame =
      cat({kMacs, {0x91, 0x00, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00}, kIpv4});
  EXPECT_EQ(payload_of(linktype::kEthernet, frame), kIpv4);
}

TEST(LinkLayer, EthernetTruncated) {
  EXPECT_FALSE(decodes(linktype::kEthernet, {}));
  EXPECT_FALSE(decodes(linktype::kEthernet, kMacs));                             // no type
  EXPECT_FALSE(decodes(linktype::kEthernet, cat({kMacs, {0x08}})));              // half a type
  EXPECT_FALSE(decodes(linktype::kEthernet, cat({kMacs, {0x81, 0x00, 0x00}})));  // cut in a tag
  EXPECT_FALSE(decodes(linktype::kEthernet, cat({kMacs, {0x81, 0x00, 0x00, 0x01}})));
}

TEST(LinkLayer, EthernetTooManyTagsIsNotIp) {
  Wire frame = kMacs;
  for (int i = 0; i < 20; ++i) frame.insert(frame.end(), {0x81, 0x00, 0x00, 0x01});
  frame.insert(frame.end(), {0x08, 0x00});
  frame.insert(frame.end(), kIpv4.begin(), kIpv4.end());
  EXPECT_FALSE(decodes(linktype::kEthernet, frame));
}

// Linux cooked capture v1 (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html): packet type (2),
// ARPHRD type (2), address length (2), address (8), protocol type (2).
Wire sll(uint16_t protocol) {
  return {0x00,
          0x00,
          0x00,
          0x01,
          0x00,
          0x06,
          1,
          2,
          3,
          4,
          5,
          6,
          0,
          0,
          static_cast<uint8_t>(protocol >> 8),
          static_cast<uint8_t>(protocol)};
}

TEST(LinkLayer, LinuxSll) {
  EXPECT_EQ(payload_of(linktype::kLinuxSll, cat({sll(0x0800), kIpv4})), kIpv4);
  EXPECT_EQ(payload_of(linktype::kLinuxSll, cat({sll(0x86dd), kIpv6})), kIpv6);
  EXPECT_FALSE(decodes(linktype::kLinuxSll, cat({sll(0x0806), kIpv4})));
  const Wire header = sll(0x0800);
  EXPECT_FALSE(decodes(linktype::kLinuxSll, Wire(header.begin(), header.begin() + 15)));
}

// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): protocol type (2), reserved (2), interface
// index (4), ARPHRD type (2), packet type (1), address length (1), address (8).
Wire sll2(uint16_t protocol) {
  return {static_cast<uint8_t>(protocol >> 8),
          static_cast<uint8_t>(protocol),
          0,
          0,
          0,
          0,
          0,
          2,
          0x00,
          0x01,
          0x04,
          0x06,
          1,
          2,
          3,
          4,
          5,
          6,
          0,
          0};
}

TEST(LinkLayer, LinuxSll2) {
  EXPECT_EQ(payload_of(linktype::kLinuxSll2, cat({sll2(0x0800), kIpv4})), kIpv4);
  EXPECT_EQ(payload_of(linktype::kLinuxSll2, cat({sll2(0x86dd), kIpv6})), kIpv6);
  EXPECT_FALSE(decodes(linktype::kLinuxSll2, cat({sll2(0x0806), kIpv4})));
  const Wire header = sll2(0x0800);
  EXPECT_FALSE(decodes(linktype::kLinuxSll2, Wire(header.begin(), header.begin() + 19)));
}

TEST(LinkLayer, RawIpTypes) {
  for (int t : {linktype::kRaw, linktype::kRawBsd, linktype::kRawOpenBsd, linktype::kIpv4,
                linktype::kIpv6}) {
    EXPECT_EQ(payload_of(t, kIpv4), kIpv4) << t;
    EXPECT_EQ(payload_of(t, kIpv6), kIpv6) << t;
    EXPECT_FALSE(decodes(t, {})) << t;
    EXPECT_FALSE(decodes(t, {0x50, 0x00})) << t;  // version 5
    EXPECT_FALSE(decodes(t, {0x00})) << t;
  }
}

TEST(LinkLayer, BsdNullLoopback) {
  // DLT_NULL: address family in the capturing host's byte order (AF_INET 2, AF_INET6 24/28/30).
  EXPECT_EQ(payload_of(linktype::kNull, cat({{0x02, 0, 0, 0}, kIpv4})), kIpv4);
  EXPECT_EQ(payload_of(linktype::kNull, cat({{0, 0, 0, 0x02}, kIpv4})), kIpv4);
  EXPECT_EQ(payload_of(linktype::kNull, cat({{30, 0, 0, 0}, kIpv6})), kIpv6);
  EXPECT_FALSE(decodes(linktype::kNull, {0x02, 0, 0}));
  EXPECT_FALSE(decodes(linktype::kNull, {0x02, 0, 0, 0}));
}

TEST(LinkLayer, OpenBsdLoop) {
  // DLT_LOOP: the family in network byte order.
  EXPECT_EQ(payload_of(linktype::kLoop, cat({{0, 0, 0, 0x02}, kIpv4})), kIpv4);
  EXPECT_EQ(payload_of(linktype::kLoop, cat({{0, 0, 0, 24}, kIpv6})), kIpv6);
  EXPECT_FALSE(decodes(linktype::kLoop, {0, 0}));
}

}  // namespace
}  // namespace fp::capture
