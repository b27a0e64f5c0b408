// The JA4.md normalisation rules, one helper each (STYLE.md 12).
#include "tls/ja4_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace fp::tls {
namespace {

std::string bytes(std::initializer_list<uint8_t> b) { return std::string(b.begin(), b.end()); }

TEST(Ja4Rules, VersionCodes) {
  EXPECT_EQ(version_code(0x0304), "13");
  EXPECT_EQ(version_code(0x0303), "12");
  EXPECT_EQ(version_code(0x0302), "11");
  EXPECT_EQ(version_code(0x0301), "10");
  EXPECT_EQ(version_code(0x0300), "s3");
  EXPECT_EQ(version_code(0x0002), "s2");
  EXPECT_EQ(version_code(0xfeff), "d1");
  EXPECT_EQ(version_code(0xfefd), "d2");
  EXPECT_EQ(version_code(0xfefc), "d3");
  EXPECT_EQ(version_code(0x0a0a), "00");
  EXPECT_EQ(version_code(0x7f1c), "00");
}

TEST(Ja4Rules, VersionIsHighestSupportedVersionIgnoringGrease) {
  ClientHello h;
  h.legacy_version = 0x0303;
  EXPECT_EQ(ja4_version(h), 0x0303);  // no supported_versions: legacy version
  h.supported_versions = {0xfafa, 0x0303, 0x0304};
  EXPECT_EQ(ja4_version(h), 0x0304);
  h.supported_versions = {0x0a0a};  // GREASE alone once gave a bogus "t00" (TRAPS.md)
  EXPECT_EQ(ja4_version(h), 0x0303);
}

TEST(Ja4Rules, Count2PadsAndCapsAt99) {
  EXPECT_EQ(count2(0), "00");
  EXPECT_EQ(count2(6), "06");
  EXPECT_EQ(count2(99), "99");
  EXPECT_EQ(count2(100), "99");
  EXPECT_EQ(count2(5000), "99");
}

TEST(Ja4Rules, AlpnFirstAndLastCharacter) {
  EXPECT_EQ(alpn_code("h2"), "h2");
  EXPECT_EQ(alpn_code("http/1.1"), "h1");
  EXPECT_EQ(alpn_code("h3"), "h3");
  EXPECT_EQ(alpn_code("a"), "aa");  // a single character is both first and last
  EXPECT_EQ(alpn_code(""), "00");   // empty first value
}

// JA4.md "ALPN Extension Value": all eight examples of the hex fallback.
TEST(Ja4Rules, AlpnHexFallbackSpecExamples) {
  EXPECT_EQ(alpn_code(bytes({0xab})), "ab");
  EXPECT_EQ(alpn_code(bytes({0x20})), "20");
  EXPECT_EQ(alpn_code(bytes({0xab, 0xcd})), "ad");
  EXPECT_EQ(alpn_code(bytes({0x20, 0x61})), "21");
  EXPECT_EQ(alpn_code(bytes({0x30, 0xab})), "3b");
  EXPECT_EQ(alpn_code(bytes({0x61, 0x20})), "60");
  EXPECT_EQ(alpn_code(bytes({0x30, 0x31, 0xab, 0xcd})), "3d");
  EXPECT_EQ(alpn_code(bytes({0x30, 0xab, 0xcd, 0x31})), "01");
}

TEST(Ja4Rules, HexList) {
  const uint16_t v[] = {0x0403, 0x0804, 0x0001};
  EXPECT_EQ(hex_list(v), "0403,0804,0001");
  EXPECT_EQ(hex_list({}), "");
}

}  // namespace
}  // namespace fp::tls
