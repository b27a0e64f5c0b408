// JA4H of whole requests. Hashes were computed outside this code base (Python hashlib over the
// raw strings written here by hand), or come from the FoxIO references as cited.
#include "http/ja4h.h"

#include <gtest/gtest.h>

namespace fp::http {
namespace {

HttpRequest h1(std::vector<Header> headers) { return {"GET", "/", "HTTP/1.1", std::move(headers)}; }

TEST(Ja4h, Http1WithCookiesAndReferer) {
  const HttpRequest r = h1({{"Host", "example.com"},
                            {"User-Agent", "test/1.0"},
                            {"Accept", "*/*"},
                            {"Cookie", "b=2; a=1; a-b=3"},
                            {"Referer", "http://x/"},
                            {"Accept-Language", "en-GB,en;q=0.9"}});
  const Ja4h j = ja4h(r);
  EXPECT_EQ(j.ja4h_r, "ge11cr04engb_Host,User-Agent,Accept,Accept-Language_a,a-b,b_a=1,a-b=3,b=2");
  EXPECT_EQ(j.ja4h_ro, "ge11cr04engb_Host,User-Agent,Accept,Accept-Language_b,a,a-b_b=2,a=1,a-b=3");
  EXPECT_EQ(j.ja4h, "ge11cr04engb_8ddaef5d77af_f40d632f2f9f_cf224a8b35f8");
}

TEST(Ja4h, FoxIoRustUnitVector) {
  // rust/ja4/src/http.rs test_http_stats_into_out: a Chrome request with duplicated headers.
  const HttpRequest r = h1({
      {"Host", "www.cnn.com"},
      {"Cookie",
       "FastAB=0=6859,1=8174,2=4183,3=3319,4=3917,5=2557,6=4259,7=6070,8=0804,9=6453,10=1942,11="
       "4435,12=4143,13=9445,14=6957,15=8682,16=1885,17=1825,18=3760,19=0929; sato=1; "
       "countryCode=US; stateCode=VA; geoData=purcellville|VA|20132|US|NA|-400|broadband|39.160|"
       "-77.700|511; usprivacy=1---; umto=1; _dd_s=logs=1&id=b5c2d770-eaba-4847-8202-390c4552ff9a&"
       "created=1686159462724&expire=1686160422726"},
      {"Sec-Ch-Ua", ""},
      {"Sec-Ch-Ua-Mobile", "?0"},
      {"User-Agent",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/114.0.5735.110 Safari/537.36"},
      {"Sec-Ch-Ua-Platform", "\"\""},
      {"Accept", "*/*"},
      {"Sec-Fetch-Site", "same-origin"},
      {"Sec-Fetch-Mode", "cors"},
      {"Sec-Fetch-Dest", "empty"},
      {"Sec-Fetch-Mode", "cors"},
      {"Sec-Fetch-Dest", "empty"},
      {"Referer", "https://www.cnn.com/"},
      {"Accept-Encoding", "gzip, deflate"},
      {"Accept-Language", "en-US,en;q=0.9"},
  });
  EXPECT_EQ(ja4h(r).ja4h, "ge11cr13enus_88d2d584d47f_0f2659b474bf_161698816dab");
}

TEST(Ja4h, NoCookieNoRefererNoLanguage) {
  const Ja4h j = ja4h({"POST", "/", "HTTP/1.0", {{"User-Agent", ""}}});
  EXPECT_EQ(j.ja4h_r, "po10nn010000_User-Agent__");
  EXPECT_EQ(j.ja4h_ro, "po10nn010000_User-Agent__");
  // http-empty-useragent.pcap gives b8bcd45ac095 for the same single header.
  EXPECT_EQ(j.ja4h, "po10nn010000_b8bcd45ac095_000000000000_000000000000");
}

TEST(Ja4h, CookieAndRefererMatchedIgnoringCase) {
  const Ja4h j = ja4h(h1({{"COOKIE", "a=1"}, {"referer", "x"}, {"Host", "h"}}));
  EXPECT_EQ(j.ja4h_r, "ge11cr010000_Host_a_a=1");
}

TEST(Ja4h, HeaderCaseKeptAsSent) {
  const Ja4h j = ja4h({"M-SEARCH", "*", "HTTP/1.1", {{"HOST", "h"}, {"MAN", "m"}, {"MX", "1"}}});
  EXPECT_EQ(j.ja4h_r, "ms11nn030000_HOST,MAN,MX__");
}

TEST(Ja4h, EmptyHeaderListHashesToZeros) {
  // As the Rust reference's hash12(""); the Wireshark plugin writes e3b0c44298fc instead
  // (expected/wireshark/gre-erspan-vxlan.pcap.json), the SHA-256 of the empty string.
  const Ja4h j = ja4h({"GET", "/", "HTTP/1.0", {}});
  EXPECT_EQ(j.ja4h, "ge10nn000000_000000000000_000000000000_000000000000");
  EXPECT_EQ(j.ja4h_r, "ge10nn000000___");
}

TEST(Ja4h, CountCapsAt99ButHashesEveryHeader) {
  std::vector<Header> many;
  for (int i = 0; i < 120; ++i) many.push_back({"X-" + std::to_string(i), "v"});
  const Ja4h j = ja4h(h1(many));
  EXPECT_EQ(j.ja4h.substr(0, 12), "ge11nn990000");
  EXPECT_NE(j.ja4h_r.find("X-119"), std::string::npos);
}

HttpRequest h2_request() {
  return {"GET",
          "/",
          "HTTP/2",
          {{":method", "GET"},
           {":authority", "x"},
           {":scheme", "https"},
           {":path", "/"},
           {"user-agent", "u"},
           {"accept-language", "*"},
           {"cookie", "z=1"},
           {"cookie", "y=2"}}};
}

TEST(Ja4h, Http2PseudoHeadersCountedByDefaultAsRustDoes) {
  const Ja4h j = ja4h(h2_request());
  EXPECT_EQ(j.ja4h_r,
            "ge20cn06*000_:method,:authority,:scheme,:path,user-agent,accept-language_y,z_y=2,z=1");
  EXPECT_EQ(j.ja4h, "ge20cn06*000_fb182fb880ef_95fcb5d4d9c1_e9dcc76ffa09");
}

TEST(Ja4h, Http2PseudoHeadersLeftOutAsPythonAndWiresharkDo) {
  const Ja4h j = ja4h(h2_request(), {.count_pseudo_headers = false});
  EXPECT_EQ(j.ja4h_r, "ge20cn02*000_user-agent,accept-language_y,z_y=2,z=1");
  EXPECT_EQ(j.ja4h_ro, "ge20cn02*000_user-agent,accept-language_z,y_z=1,y=2");
  EXPECT_EQ(j.ja4h, "ge20cn02*000_d2dd72bda90a_95fcb5d4d9c1_e9dcc76ffa09");
}

TEST(HeaderOrder, EveryNameAsSent) {
  EXPECT_EQ(header_order(h2_request()),
            ":method,:authority,:scheme,:path,user-agent,accept-language,cookie,cookie");
  EXPECT_EQ(header_order(h1({})), "");
}

}  // namespace
}  // namespace fp::http
