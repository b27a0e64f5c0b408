// JA4D of DHCPv4 and DHCPv6 messages built with the options (codes, order and the values that
// matter) tshark 4.0.17 shows in the reference captures dhcp.pcapng and dhcpv6.pcap; expected
// values are the FoxIO Wireshark plugin's (expected/wireshark/*.json, `ja4.ja4d` per frame),
// which Zeek's ja4d.log repeats for the DHCPv4 capture.
#include "dhcp/ja4d.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace fp::dhcp {
namespace {

using Option = std::pair<int, std::vector<uint8_t>>;

std::vector<uint8_t> dhcpv4(uint8_t op, const std::vector<Option>& options) {
  std::vector<uint8_t> out(236, 0);
  out[0] = op;
  out[1] = 1;  // Ethernet
  out[2] = 6;
  for (uint8_t b : {0x63, 0x82, 0x53, 0x63}) out.push_back(b);
  for (const auto& [code, value] : options) {
    out.push_back(static_cast<uint8_t>(code));
    out.push_back(static_cast<uint8_t>(value.size()));
    out.insert(out.end(), value.begin(), value.end());
  }
  out.push_back(255);
  out.push_back(0);  // padding after End, as in the capture
  return out;
}

std::string v4_fingerprint(uint8_t op, const std::vector<Option>& options) {
  auto m = parse_dhcpv4(dhcpv4(op, options));
  EXPECT_TRUE(m.ok());
  return m.ok() ? ja4d(*m) : "";
}

const std::vector<uint8_t> kClientId(7, 1), kAddress(4, 10), kTime(4, 0);

TEST(Ja4d, DhcpPcapngFrames) {
  EXPECT_EQ(v4_fingerprint(1, {{53, {1}}, {61, kClientId}, {50, kAddress}, {55, {1, 3, 6, 42}}}),
            "disco0000in_61-55_1-3-6-42");
  EXPECT_EQ(
      v4_fingerprint(
          2, {{53, {2}}, {1, kAddress}, {58, kTime}, {59, kTime}, {51, kTime}, {54, kAddress}}),
      "offer0000nn_1-58-59-51-54_00");
  EXPECT_EQ(
      v4_fingerprint(
          1, {{53, {3}}, {61, kClientId}, {50, kAddress}, {54, kAddress}, {55, {1, 3, 6, 42}}}),
      "reqst0000in_61-54-55_1-3-6-42");
  EXPECT_EQ(
      v4_fingerprint(
          2, {{53, {5}}, {58, kTime}, {59, kTime}, {51, kTime}, {54, kAddress}, {1, kAddress}}),
      "dpack0000nn_58-59-51-54-1_00");
}

// spec/JA4D.png: the iPhone example, with option 57 = 1500 and 81 absent.
TEST(Ja4d, SpecIphoneExample) {
  EXPECT_EQ(v4_fingerprint(1, {{53, {3}},
                               {55, {1, 121, 3, 6, 15, 108, 114, 119, 252}},
                               {57, {0x05, 0xdc}},
                               {61, kClientId},
                               {50, kAddress},
                               {51, kTime},
                               {12, {'x'}}}),
            "reqst1500in_55-57-61-51-12_1-121-3-6-15-108-114-119-252");
  // Client FQDN (81) gives d and is not listed; a size over 9999 is capped.
  EXPECT_EQ(v4_fingerprint(1, {{53, {8}}, {57, {0xff, 0xff}}, {81, {0, 0, 0}}}),
            "infor9999nd_57_00");  // 57 is listed, as in the spec example
}

TEST(Ja4d, RejectsWhatIsNotDhcpv4) {
  std::vector<uint8_t> m = dhcpv4(1, {{53, {1}}});
  EXPECT_EQ(parse_dhcpv4(Bytes(m).first(200)).error(), DhcpError::kTooShort);
  m[236] = 0;
  EXPECT_EQ(parse_dhcpv4(m).error(), DhcpError::kNotDhcp);
  std::vector<uint8_t> cut = dhcpv4(1, {});
  cut.resize(240);
  cut.push_back(55);
  cut.push_back(9);  // nine bytes announced, none follow
  EXPECT_EQ(parse_dhcpv4(cut).error(), DhcpError::kBadOption);
  EXPECT_STRNE(describe(DhcpError::kBadOption), "");
}

void put16(std::vector<uint8_t>& out, unsigned v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

std::vector<uint8_t> v6_option(unsigned code, const std::vector<uint8_t>& value) {
  std::vector<uint8_t> out;
  put16(out, code);
  put16(out, static_cast<unsigned>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

std::vector<uint8_t> cat(std::vector<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string v6_fingerprint(uint8_t type, std::vector<std::vector<uint8_t>> options) {
  std::vector<uint8_t> message = {type, 0x12, 0x34, 0x56};
  const std::vector<uint8_t> body = cat(std::move(options));
  message.insert(message.end(), body.begin(), body.end());
  auto m = parse_dhcpv6(message);
  EXPECT_TRUE(m.ok());
  return m.ok() ? ja4d(*m) : "";
}

const std::vector<uint8_t> kDuid(14, 0x01), kOro = {0, 23, 0, 24};

std::vector<uint8_t> ia_pd(bool with_prefix) {
  std::vector<uint8_t> value(12, 0);
  if (with_prefix) {
    const std::vector<uint8_t> prefix = v6_option(26, std::vector<uint8_t>(25, 0));
    value.insert(value.end(), prefix.begin(), prefix.end());
  }
  return v6_option(25, value);
}

TEST(Ja4d, Dhcpv6PcapFrames) {
  EXPECT_EQ(v6_fingerprint(
                1, {v6_option(1, kDuid), v6_option(6, kOro), v6_option(8, {0, 0}), ia_pd(false)}),
            "solct0014nn_1-6-8-25_23-24");
  EXPECT_EQ(v6_fingerprint(2, {ia_pd(true), v6_option(1, kDuid), v6_option(2, kDuid)}),
            "advrt0014nn_25-26-1-2_00");
  EXPECT_EQ(v6_fingerprint(3, {v6_option(1, kDuid), v6_option(2, kDuid), v6_option(6, kOro),
                               v6_option(8, {0, 0}), ia_pd(true)}),
            "reqst0014nn_1-2-6-8-25-26_23-24");
  EXPECT_EQ(v6_fingerprint(7, {v6_option(1, kDuid), v6_option(2, kDuid), v6_option(13, {0, 0})}),
            "reply0014nn_1-2-13_00");
}

TEST(Ja4d, Dhcpv6AddressInAnIaAndOptionOverrun) {
  std::vector<uint8_t> ia_na(12, 0);
  const std::vector<uint8_t> address = v6_option(5, std::vector<uint8_t>(24, 0));
  ia_na.insert(ia_na.end(), address.begin(), address.end());
  EXPECT_EQ(v6_fingerprint(3, {v6_option(1, std::vector<uint8_t>(10, 2)), v6_option(3, ia_na)}),
            "reqst0010in_1-3-5_00");
  std::vector<uint8_t> bad = {1, 0, 0, 1, 0, 1, 0, 9, 1};
  EXPECT_EQ(parse_dhcpv6(bad).error(), DhcpError::kBadOption);
  EXPECT_EQ(parse_dhcpv6(Bytes(bad).first(3)).error(), DhcpError::kTooShort);
}

}  // namespace
}  // namespace fp::dhcp
