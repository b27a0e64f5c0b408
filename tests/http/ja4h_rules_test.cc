// Each JA4H normalisation rule on its own. Expected values follow the spec diagram
// (testdata/ja4/spec/JA4H.png) and values seen in testdata/ja4/expected.
#include "http/ja4h_rules.h"

#include <gtest/gtest.h>

namespace fp::http {
namespace {

TEST(Ja4hMethod, FirstTwoLettersLowerCase) {
  EXPECT_EQ(ja4h_method("GET"), "ge");
  EXPECT_EQ(ja4h_method("POST"), "po");
  EXPECT_EQ(ja4h_method("PUT"), "pu");
  EXPECT_EQ(ja4h_method("HEAD"), "he");
  EXPECT_EQ(ja4h_method("CONNECT"), "co");  // https-connect.pcap: co10nn010000
  EXPECT_EQ(ja4h_method("get"), "ge");
}

TEST(Ja4hMethod, MSearchSkipsTheDashAsWiresharkDoes) {
  EXPECT_EQ(ja4h_method("M-SEARCH"), "ms");  // expected/wireshark/latest.pcapng: ms11nn04...
}

TEST(Ja4hMethod, ShortMethodIsPadded) {
  EXPECT_EQ(ja4h_method("X"), "x0");
  EXPECT_EQ(ja4h_method(""), "00");
}

TEST(Ja4hVersion, DigitsAfterSlash) {
  EXPECT_EQ(ja4h_version("HTTP/1.1"), "11");
  EXPECT_EQ(ja4h_version("HTTP/1.0"), "10");
  EXPECT_EQ(ja4h_version("HTTP/2"), "20");
  EXPECT_EQ(ja4h_version("HTTP/2.0"), "20");
  EXPECT_EQ(ja4h_version("HTTP/3"), "30");
  EXPECT_EQ(ja4h_version("garbage"), "00");
}

TEST(Ja4hHeaderCount, TwoDigitsCappedAt99) {
  EXPECT_EQ(ja4h_header_count(0), "00");
  EXPECT_EQ(ja4h_header_count(3), "03");  // JA4H.md: "For 3 headers the value is 03"
  EXPECT_EQ(ja4h_header_count(42), "42");
  EXPECT_EQ(ja4h_header_count(99), "99");
  EXPECT_EQ(ja4h_header_count(100), "99");
  EXPECT_EQ(ja4h_header_count(100000), "99");
}

TEST(Ja4hLanguage, FirstTagDashRemovedLowerCasedFourChars) {
  EXPECT_EQ(ja4h_language("en-US,en;q=0.9"), "enus");
  EXPECT_EQ(ja4h_language("ru-RU,ru;q=0.8"), "ruru");   // CVE-2018-6794.pcap
  EXPECT_EQ(ja4h_language("da, en-GB;q=0.8"), "da00");  // http1-with-cookies.pcapng
  EXPECT_EQ(ja4h_language("zh-Hant-TW"), "zhha");
  EXPECT_EQ(ja4h_language("EN"), "en00");
}

TEST(Ja4hLanguage, QualityParameterEndsTheTag) { EXPECT_EQ(ja4h_language("en;q=0.9,de"), "en00"); }

TEST(Ja4hLanguage, OtherCharactersStay) {
  EXPECT_EQ(ja4h_language("*"), "*000");  // Node's fetch (TRAPS.md)
}

TEST(Ja4hLanguage, EmptyOrBlankValue) {
  EXPECT_EQ(ja4h_language(""), "0000");
  EXPECT_EQ(ja4h_language("  "), "0000");
  EXPECT_EQ(ja4h_language(" en-US"), "enus");
}

TEST(Ja4hPseudoHeader, ColonPrefix) {
  EXPECT_TRUE(is_pseudo_header(":method"));
  EXPECT_FALSE(is_pseudo_header("method"));
  EXPECT_FALSE(is_pseudo_header(""));
}

TEST(Ja4hCookies, SplitAndTrimmed) {
  std::vector<CookieField> c;
  append_cookie_fields("a=1;  b=2 ;c; ;d=x=y", c);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].name, "a");
  EXPECT_EQ(c[0].pair, "a=1");
  EXPECT_EQ(c[1].pair, "b=2");
  EXPECT_EQ(c[2].name, "c");
  EXPECT_EQ(c[2].pair, "c");
  EXPECT_EQ(c[3].name, "d");
  EXPECT_EQ(c[3].pair, "d=x=y");
}

TEST(Ja4hCookies, SortedByNameNotByPair) {
  // single-packets.pcap stream 7: the references order visitor_id413862 before
  // visitor_id413862-hash, although "-" sorts before "=" in the whole pairs.
  std::vector<CookieField> c;
  append_cookie_fields("visitor_id413862-hash=1f; visitor_id413862=28; pardot=tee", c);
  const auto s = sort_cookie_fields(c);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].pair, "pardot=tee");
  EXPECT_EQ(s[1].pair, "visitor_id413862=28");
  EXPECT_EQ(s[2].pair, "visitor_id413862-hash=1f");
}

TEST(Ja4hCookies, ByteOrderAndStableForEqualNames) {
  std::vector<CookieField> c;
  append_cookie_fields("a=2; _x=1; B=3; a=1", c);
  const auto s = sort_cookie_fields(c);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].pair, "B=3");  // upper case before '_' before lower case
  EXPECT_EQ(s[1].pair, "_x=1");
  EXPECT_EQ(s[2].pair, "a=2");  // equal names keep their order
  EXPECT_EQ(s[3].pair, "a=1");
}

}  // namespace
}  // namespace fp::http
