#include "tcp/ja4t.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/hex.h"
#include "tcp/packet_builder.h"
#include "tcp/vectors.h"

namespace fp::tcp {
namespace {

using test::cat;
using test::Wire;

std::string ja4t_of(const test::TcpSpec& spec) {
  const Wire w = test::ipv4({}, test::tcp_segment(spec));
  auto p = parse_ip_packet(w);
  return p.ok() ? ja4t(p->tcp) : "parse error";
}

TEST(Ja4t, LinuxSyn) {
  EXPECT_EQ(ja4t_of({.options = test::linux_options()}), "64240_2-4-8-1-3_1460_7");
}

TEST(Ja4t, MacosEolPaddingListsEachZero) {  // as badcurveball.pcap in the Rust reference
  const Wire opts = cat({test::mss(1386), test::nop(), test::ws(6), test::nop(), test::nop(),
                         test::ts(1, 0), test::sok(), test::eol(), test::eol()});
  EXPECT_EQ(ja4t_of({.window = 65535, .options = opts}), "65535_2-1-3-1-1-8-4-0-0_1386_6");
}

TEST(Ja4t, NoOptionsAsTheRustReference) { EXPECT_EQ(ja4t_of({.window = 8192}), "8192__0_0"); }

TEST(Ja4t, AbsentWindowScaleIsZero) {  // like sshv1.pcap: no window scale option
  const Wire opts = cat({test::mss(1440), test::nop(), test::nop(), test::ts(1, 0)});
  EXPECT_EQ(ja4t_of({.window = 8192, .options = opts}), "8192_2-1-1-8_1440_0");
}

// The next three follow what tshark 4.0 lists in tcp.option_kind for the same bytes (the
// references read that field): zeros after EOL count until the first nonzero byte, and a
// malformed option is not listed.
TEST(Ja4t, PaddingStopsAtFirstNonzeroByte) {
  EXPECT_EQ(ja4t_of({.window = 8192, .options = cat({test::mss(1460), Wire{0, 0, 7, 0}})}),
            "8192_2-0-0_1460_0");
  EXPECT_EQ(ja4t_of({.window = 8192, .options = cat({test::mss(1460), Wire{0, 1, 0, 0}})}),
            "8192_2-0_1460_0");
}

TEST(Ja4t, MalformedOptionIsNotListed) {
  EXPECT_EQ(ja4t_of({.window = 8192, .options = cat({test::mss(1460), Wire{30, 1, 1, 1}})}),
            "8192_2_1460_0");
  EXPECT_EQ(ja4t_of({.window = 8192,
                     .options = cat({test::mss(1460), test::ws(7), Wire{1, 8, 10, 0, 0}})}),
            "8192_2-3-1_1460_7");
}

TEST(Ja4t, OptionsAfterEolAreNotRead) {
  EXPECT_EQ(ja4t_of({.window = 8192, .options = cat({Wire{1, 1, 0, 0}, test::mss(1460)})}),
            "8192_1-1-0-0_0_0");
}

TEST(Ja4t, WrongLengthMssHasNoValue) {
  EXPECT_EQ(ja4t_of({.window = 1000, .options = {2, 5, 5, 0xb4, 0, 1, 1, 1}}), "1000_2-1-1-1_0_0");
}

TEST(Ja4ts, SameFormFromSynAck) {
  const Wire w = test::ipv4({}, test::tcp_segment({.flags = flag::kSyn | flag::kAck,
                                                   .window = 65160,
                                                   .options = test::linux_options(1460)}));
  auto p = parse_ip_packet(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(ja4ts(p->tcp), "65160_2-4-8-1-3_1460_7");
}

// --- golden vectors (scripts/extract-tcp-vectors.sh) -----------------------------------------

std::string ja4t_of_hex(const std::string& hex, bool synack) {
  auto bytes = hex_decode(hex);
  if (!bytes) return "bad hex";
  auto p = parse_ip_packet(*bytes);
  if (!p.ok()) return "parse error: " + std::string(describe(p.error()));
  return synack ? ja4ts(p->tcp) : ja4t(p->tcp);
}

// The Wireshark plugin writes an absent part as "00" where the Rust reference writes an empty
// option list and 0 (TRAPS.md, TCP); map its spelling to the Rust one.
std::string wireshark_to_rust_form(const std::string& value) {
  std::vector<std::string> parts;
  std::stringstream in(value);
  for (std::string p; std::getline(in, p, '_');) parts.push_back(p);
  if (parts.size() != 4) return value;
  if (parts[1] == "00") parts[1].clear();
  if (parts[2] == "00") parts[2] = "0";
  if (parts[3] == "00") parts[3] = "0";
  return parts[0] + '_' + parts[1] + '_' + parts[2] + '_' + parts[3];
}

TEST(Ja4tGolden, RustReferenceClientSyns) {
  const auto rows = test::load_vectors("ja4t.tsv");
  ASSERT_EQ(rows.size(), 64u);  // every rust-json record with a ja4t
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 5u);
    EXPECT_EQ(ja4t_of_hex(r[4], false), r[3]) << r[0] << " stream " << r[1] << " frame " << r[2];
  }
}

TEST(Ja4tGolden, WiresharkPluginSyns) {
  const auto rows = test::load_vectors("ja4t-wireshark.tsv");
  ASSERT_GE(rows.size(), 100u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(ja4t_of_hex(r[3], false), wireshark_to_rust_form(r[2])) << r[0] << " frame " << r[1];
  }
}

TEST(Ja4tsGolden, WiresharkPluginSynAcks) {
  const auto rows = test::load_vectors("ja4ts.tsv");
  ASSERT_GE(rows.size(), 50u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(ja4t_of_hex(r[3], true), wireshark_to_rust_form(r[2])) << r[0] << " frame " << r[1];
  }
}

}  // namespace
}  // namespace fp::tcp
