// Consistency: the User-Agent's claim against each layer, on constructed observations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "identify/consistency.h"

namespace fp::identify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kChromeWindows =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36";
constexpr std::string_view kFirefoxLinux =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

TEST(UserAgent, Browsers) {
  UserAgentClaim c = parse_user_agent(kChromeWindows);
  EXPECT_EQ(c.client, "chrome");
  EXPECT_EQ(c.version, "131.0.0.0");
  EXPECT_EQ(c.os, "Windows");
  EXPECT_TRUE(c.browser);
  EXPECT_EQ(parse_user_agent(std::string(kChromeWindows) + " Edg/131.0.2903.86").client, "edge");
  EXPECT_EQ(parse_user_agent(kFirefoxLinux).client, "firefox");
  EXPECT_EQ(parse_user_agent(kFirefoxLinux).os, "Linux");
  c = parse_user_agent(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.2 Mobile/15E148 Safari/604.1");
  EXPECT_EQ(c.client, "safari");
  EXPECT_EQ(c.version, "17.2");
  EXPECT_EQ(c.os, "iOS");
  EXPECT_EQ(parse_user_agent("Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile").os, "Android");
}

TEST(UserAgent, Tools) {
  EXPECT_EQ(parse_user_agent("curl/8.11.1").client, "curl");
  EXPECT_EQ(parse_user_agent("curl/8.11.1").version, "8.11.1");
  EXPECT_FALSE(parse_user_agent("curl/8.11.1").browser);
  EXPECT_EQ(parse_user_agent("Wget/1.25.0").client, "wget");
  EXPECT_EQ(parse_user_agent("python-requests/2.32.3").client, "python-requests");
  EXPECT_EQ(parse_user_agent("Go-http-client/2.0").client, "go");
  EXPECT_EQ(parse_user_agent("okhttp/4.12.0").client, "okhttp");
  EXPECT_EQ(parse_user_agent("Java/17.0.13").client, "java");
  EXPECT_EQ(parse_user_agent("node").client, "");
  EXPECT_EQ(parse_user_agent("").client, "");
}

TEST(Consistency, Http2Families) {
  EXPECT_EQ(h2_family("m,a,s,p"), "chrome");
  EXPECT_EQ(h2_family("m,p,a,s"), "firefox");
  EXPECT_EQ(h2_family("m,s,p,a"), "safari");
  EXPECT_EQ(h2_family("p,m,a,s"), "");
}

Observation chrome_on_windows() {
  Observation o;
  o.user_agent = kChromeWindows;
  o.of(FingerprintKind::kJa4) = "t13d1516h2_8daaf6152771_02713d6af862";
  o.of(FingerprintKind::kAkamai) = "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p";
  o.p0f_os = "Windows";
  return o;
}

TEST(Consistency, AllLayersAgree) {
  const Consistency c = check_consistency(chrome_on_windows(), "boringssl");
  EXPECT_DOUBLE_EQ(*c.score, 1.0);
  EXPECT_THAT(c.reasons, IsEmpty());
}

TEST(Consistency, ChromeUaOnOpenSsl) {
  const Consistency c = check_consistency(chrome_on_windows(), "openssl");
  EXPECT_THAT(c.reasons, ElementsAre("ua_chrome_tls_openssl"));
  EXPECT_DOUBLE_EQ(*c.score, 0.4);
}

TEST(Consistency, WindowsUaOverLinuxTcp) {
  Observation o = chrome_on_windows();
  o.p0f_os = "Linux";
  const Consistency c = check_consistency(o, "boringssl");
  EXPECT_THAT(c.reasons, ElementsAre("ua_windows_tcp_linux"));
  EXPECT_DOUBLE_EQ(*c.score, 0.5);
}

TEST(Consistency, AndroidUaOverLinuxTcpIsFine) {
  Observation o = chrome_on_windows();
  o.user_agent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/131.0.0.0 Mobile Safari/537.36";
  o.p0f_os = "Linux";
  EXPECT_THAT(check_consistency(o, "boringssl").reasons, IsEmpty());
}

TEST(Consistency, FirefoxUaWithChromeHttp2AndBoringSsl) {
  Observation o = chrome_on_windows();
  o.user_agent = std::string(kFirefoxLinux);
  o.p0f_os = "Linux";
  const Consistency c = check_consistency(o, "boringssl");
  EXPECT_THAT(c.reasons, ElementsAre("ua_firefox_tls_boringssl", "ua_firefox_h2_chrome"));
  EXPECT_DOUBLE_EQ(*c.score, 0.4 * 0.5);
}

TEST(Consistency, BrowserUaWithoutH2AndToolHeaders) {
  Observation o;
  o.user_agent = kChromeWindows;
  o.of(FingerprintKind::kJa4) = "t13d311200_e8f1e7e78f70_d41ae481755e";  // no ALPN
  o.header_order = "host,user-agent,accept";
  const Consistency c = check_consistency(o, "");
  EXPECT_THAT(c.reasons, ElementsAre("ua_browser_no_h2", "ua_browser_headers_tool"));
  EXPECT_DOUBLE_EQ(*c.score, 0.7 * 0.7);
}

TEST(Consistency, PseudoHeaderOrderStandsInForAkamai) {
  Observation o;
  o.user_agent = kFirefoxLinux;
  o.header_order = ":method,:authority,:scheme,:path,user-agent";
  EXPECT_THAT(check_consistency(o, "nss").reasons, ElementsAre("ua_firefox_h2_chrome"));
}

TEST(Consistency, ToolUaOnItsLibrary) {
  Observation o;
  o.user_agent = "curl/8.11.1";
  o.of(FingerprintKind::kJa4) = "t13d3112h2_e8f1e7e78f70_375b7a3e2c5d";
  EXPECT_DOUBLE_EQ(*check_consistency(o, "openssl").score, 1.0);
  EXPECT_THAT(check_consistency(o, "boringssl").reasons, ElementsAre("ua_curl_tls_boringssl"));
  o.user_agent = "Go-http-client/2.0";
  EXPECT_THAT(check_consistency(o, "openssl").reasons, ElementsAre("ua_go_tls_openssl"));
}

TEST(Consistency, NothingToCompare) {
  Observation o;
  o.of(FingerprintKind::kJa4) = "t13d1516h2_8daaf6152771_02713d6af862";
  const Consistency c = check_consistency(o, "boringssl");
  EXPECT_FALSE(c.score.has_value());
  EXPECT_THAT(c.reasons, IsEmpty());
}

}  // namespace
}  // namespace fp::identify
