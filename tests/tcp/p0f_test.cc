#include "tcp/p0f.h"

#include <gtest/gtest.h>

#include <map>

#include "core/hex.h"
#include "tcp/packet_builder.h"
#include "tcp/vectors.h"

namespace fp::tcp {
namespace {

using test::cat;
using test::Wire;

P0fSignature sig4(const test::Ipv4Spec& ip, const test::TcpSpec& tcp, uint16_t syn_mss = 0) {
  const Wire w = test::ipv4(ip, test::tcp_segment(tcp));
  auto p = parse_ip_packet(w);
  return p.ok() ? p0f_signature(*p, syn_mss) : P0fSignature{"parse error"};
}

P0fSignature sig6(const test::Ipv6Spec& ip, const test::TcpSpec& tcp) {
  const Wire w = test::ipv6(ip, test::tcp_segment(tcp));
  auto p = parse_ip_packet(w);
  return p.ok() ? p0f_signature(*p) : P0fSignature{"parse error"};
}

const Wire kLinux = test::linux_options();
constexpr const char* kLinuxTail = "7:mss,sok,ts,nop,ws";

TEST(P0f, GuessInitialTtl) {
  EXPECT_EQ(guess_initial_ttl(0), 32);
  EXPECT_EQ(guess_initial_ttl(32), 32);
  EXPECT_EQ(guess_initial_ttl(33), 64);
  EXPECT_EQ(guess_initial_ttl(64), 64);
  EXPECT_EQ(guess_initial_ttl(65), 128);
  EXPECT_EQ(guess_initial_ttl(128), 128);
  EXPECT_EQ(guess_initial_ttl(129), 255);
  EXPECT_EQ(guess_initial_ttl(255), 255);
}

TEST(P0f, LinuxSyn) {
  const P0fSignature s = sig4({}, {.window = 64240, .options = kLinux});
  EXPECT_EQ(s.raw, "4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
  EXPECT_EQ(s.initial_ttl, 64);
  EXPECT_EQ(s.distance, 0);
  EXPECT_EQ(s.quirks, kQuirkDf | kQuirkNonZeroId);
}

TEST(P0f, TtlField) {
  EXPECT_EQ(sig4({.ttl = 57}, {.options = kLinux}).raw.substr(0, 7), "4:57+7:");
  EXPECT_EQ(sig4({.ttl = 117}, {.options = kLinux}).raw.substr(0, 9), "4:117+11:");
  EXPECT_EQ(sig4({.ttl = 1}, {.options = kLinux}).raw.substr(0, 7), "4:1+31:");
  EXPECT_EQ(sig4({.ttl = 150}, {.options = kLinux}).raw.substr(0, 8), "4:150+?:");
  EXPECT_EQ(sig4({.ttl = 150}, {.options = kLinux}).distance, 105);
}

TEST(P0f, IpQuirks) {
  EXPECT_EQ(sig4({.id = 0}, {.options = kLinux}).quirks, kQuirkDf);
  EXPECT_EQ(sig4({.id = 0, .df = false}, {.options = kLinux}).quirks, kQuirkZeroId);
  EXPECT_EQ(sig4({.id = 9, .df = false}, {.options = kLinux}).quirks, 0u);
  EXPECT_EQ(sig4({.tos = 0x02, .id = 0}, {.options = kLinux}).quirks, kQuirkDf | kQuirkEcn);
  EXPECT_EQ(sig4({.tos = 0x01, .id = 0}, {.options = kLinux}).quirks, kQuirkDf | kQuirkEcn);
  EXPECT_EQ(sig4({.tos = 0xB8, .id = 0}, {.options = kLinux}).quirks, kQuirkDf);
  EXPECT_EQ(sig4({.id = 0, .reserved = true}, {.options = kLinux}).quirks, kQuirkDf | kQuirkMbz);
}

TEST(P0f, QuirkOrderInText) {
  const P0fSignature s = sig4(
      {.tos = 2, .reserved = true},
      {.seq = 0,
       .flags = flag::kSyn | flag::kPsh | flag::kUrg,
       .urgent = 1,
       .options = cat({test::mss(1460), test::sok(), test::ts(0, 5), test::nop(), test::ws(15)})});
  EXPECT_EQ(s.raw,
            "4:64+0:0:1460:mss*44,15:mss,sok,ts,nop,ws:"
            "df,id+,ecn,0+,seq-,urgf+,pushf+,ts1-,ts2+,exws:0");
}

TEST(P0f, TcpQuirks) {
  const auto q = [](const test::TcpSpec& t) { return sig4({.id = 0}, t).quirks & ~kQuirkDf; };
  EXPECT_EQ(q({.flags = flag::kSyn | flag::kEce | flag::kCwr, .options = kLinux}), kQuirkEcn);
  EXPECT_EQ(q({.reserved = 1, .options = kLinux}), kQuirkEcn);  // NS bit
  EXPECT_EQ(q({.reserved = 0xE, .options = kLinux}), 0u);       // other reserved bits
  EXPECT_EQ(q({.urgent = 5, .options = kLinux}), kQuirkNonZeroUrg);
  EXPECT_EQ(q({.flags = flag::kSyn | flag::kAck, .options = kLinux}), kQuirkZeroAck);
  // p0f 3.09b on little-endian hosts: only bit 24 of a non-ACK ack number shows as ack+.
  EXPECT_EQ(q({.ack = 0x01000000, .options = kLinux}), kQuirkNonZeroAck);
  EXPECT_EQ(q({.ack = 1, .options = kLinux}), 0u);
  EXPECT_EQ(q({.ack = 0x00020000, .options = kLinux}), 0u);
  // ts2+ is for plain SYNs only.
  const Wire ts2 = cat({test::mss(1460), test::sok(), test::ts(1, 9), test::nop(), test::ws(7)});
  EXPECT_EQ(q({.options = ts2}), kQuirkNonZeroTs2);
  EXPECT_EQ(q({.ack = 1, .flags = flag::kSyn | flag::kAck, .options = ts2}), 0u);
}

TEST(P0f, Ipv6) {
  EXPECT_EQ(
      sig6({.hop_limit = 57, .flow_label = 0x12345}, {.options = test::linux_options(1440)}).raw,
      "6:57+7:0:1440:mss*44,7:mss,sok,ts,nop,ws:flow:0");
  EXPECT_EQ(sig6({.traffic_class = 0x02}, {.options = test::linux_options(1440)}).quirks,
            kQuirkEcn);
  EXPECT_EQ(sig6({.traffic_class = 0xB8}, {.options = test::linux_options(1440)}).quirks, 0u);
}

TEST(P0f, OptionLayoutTokens) {
  const auto layout = [](const Wire& options) {
    const std::string raw = sig4({}, {.window = 8192, .options = options}).raw;
    size_t a = 0;
    for (int i = 0; i < 5; ++i) a = raw.find(':', a) + 1;
    return raw.substr(a, raw.find(':', a) - a);
  };
  EXPECT_EQ(layout({}), "");
  EXPECT_EQ(layout(cat({test::mss(1460), test::nop(), test::ws(6), test::nop(), test::nop(),
                        test::ts(3, 0), test::sok(), test::eol(), test::eol()})),
            "mss,nop,ws,nop,nop,ts,sok,eol+1");
  EXPECT_EQ(layout(cat({test::mss(1460), Wire{5, 10}, Wire(8, 0), test::nop(), test::nop()})),
            "mss,sack,nop,nop");
  EXPECT_EQ(layout(cat({test::mss(1460), Wire{30, 4, 0xAA, 0xBB}})), "mss,?30");
  EXPECT_EQ(layout(Wire(8, 0)), "eol+7");
}

TEST(P0f, OptionQuirks) {
  const auto q = [](const Wire& options) {
    return sig4({.id = 0}, {.window = 8192, .options = options}).quirks & ~kQuirkDf;
  };
  EXPECT_EQ(q(cat({test::mss(1460), Wire{0, 0, 7, 0}})), kQuirkOptEolNz);
  EXPECT_EQ(q(cat({test::mss(1460), Wire{0, 0, 0, 7}})), 0u);  // p0f misses a last-byte one
  EXPECT_EQ(q(cat({test::mss(1460), test::sok(), test::ts(0, 0), test::nop(), test::ws(14)})),
            kQuirkZeroTs1);
  EXPECT_EQ(q(cat({test::mss(1460), test::nop(), test::ws(15)})), kQuirkExws);
  EXPECT_EQ(q({2, 5, 5, 0xb4, 1, 1, 1, 1}), kQuirkBad);                           // mss length 5
  EXPECT_EQ(q(cat({test::mss(1460), Wire{1, 1, 1, 8}})), kQuirkBad);              // past the end
  EXPECT_EQ(q(cat({test::mss(1460), Wire{30, 1, 1, 1}})), kQuirkBad);             // length < 2
  EXPECT_EQ(q(cat({test::mss(1460), Wire{5, 6, 0, 0, 0, 0, 1, 1}})), kQuirkBad);  // sack < 10
  EXPECT_EQ(q(cat({Wire(28, 1), test::mss(1460)})), kQuirkBad);                   // > 24 options
}

TEST(P0f, WindowField) {
  const auto win = [](const test::Ipv4Spec& ip, const test::TcpSpec& t, uint16_t syn_mss = 0) {
    const std::string raw = sig4(ip, t, syn_mss).raw;
    size_t a = 0;
    for (int i = 0; i < 4; ++i) a = raw.find(':', a) + 1;
    return raw.substr(a, raw.find(',', a) - a);
  };
  EXPECT_EQ(win({}, {.window = 14600, .options = kLinux}), "mss*10");
  EXPECT_EQ(win({}, {.window = 14480, .options = kLinux}), "mss*10");  // mss - 12 with ts
  EXPECT_EQ(win({}, {.window = 14480, .options = cat({test::mss(1460), test::nop(), test::ws(7)})}),
            "mss*10");  // 1448 = 1500 - 40 - 12
  EXPECT_EQ(win({}, {.window = 5840, .options = test::linux_options(1400)}), "mss*4");  // 1460
  EXPECT_EQ(win({}, {.window = 5200, .options = test::linux_options(1000)}), "mtu*5");  // +40
  EXPECT_EQ(win({.options = {1, 1, 1, 0}}, {.window = 3192, .options = test::linux_options(1000)}),
            "mtu*3");  // mss + actual header size (24 + 40)
  EXPECT_EQ(win({}, {.window = 4500, .options = test::linux_options(1000)}), "mtu*3");  // 1500
  EXPECT_EQ(win({}, {.window = 12345, .options = test::linux_options(1000)}), "12345");
  EXPECT_EQ(win({}, {.window = 0, .options = kLinux}), "0");
  EXPECT_EQ(win({}, {.window = 900, .options = test::mss(90)}), "900");  // mss < 100
  EXPECT_EQ(win({},
                {.ack = 1,
                 .flags = flag::kSyn | flag::kAck,
                 .window = 9100,
                 .options = test::linux_options(1000)},
                1300),
            "mss*7");  // the peer's MSS
}

TEST(P0f, SendsynMssOnSynAckIsWildcard) {
  EXPECT_EQ(sig4({}, {.ack = 1,
                      .flags = flag::kSyn | flag::kAck,
                      .window = 29000,
                      .options = test::linux_options(1331)})
                .raw,
            "4:64+0:0:*:29000,7:mss,sok,ts,nop,ws:df,id+:0");
}

TEST(P0f, IpOptionsAndPayload) {
  EXPECT_EQ(sig4({.options = {0x94, 4, 0, 0}}, {.window = 8192, .payload = {'x'}}).raw,
            "4:64+0:4:0:8192,0::df,id+:+");
}

TEST(P0f, NotTcpGivesEmptySignature) {
  const Wire w = test::ipv4({.protocol = 17}, test::udp_datagram(1, 2, {}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p0f_signature(*p).raw.empty());
}

// --- golden: what the real p0f 3.09b printed (scripts/extract-tcp-vectors.sh) -----------------

TEST(P0fGolden, RealP0fRawSignatures) {
  const auto rows = test::load_vectors("p0f.tsv");
  ASSERT_GE(rows.size(), 200u);
  std::map<std::string, int> per_source;
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 6u);
    auto bytes = hex_decode(r[5]);
    ASSERT_TRUE(bytes.has_value());
    auto p = parse_ip_packet(*bytes);
    ASSERT_TRUE(p.ok()) << r[0] << " frame " << r[1];
    const uint16_t syn_mss = static_cast<uint16_t>(std::stoi(r[3]));
    EXPECT_EQ(p0f_signature(*p, syn_mss).raw, r[4]) << r[0] << " frame " << r[1] << " " << r[2];
    ++per_source[r[0].substr(0, r[0].find(':'))];
  }
  EXPECT_GT(per_source["crafted"], 70);
  EXPECT_GT(per_source["ja3/dreadl0ck/test2.pcap"], 50);
}

}  // namespace
}  // namespace fp::tcp
