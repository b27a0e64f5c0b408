// p0f matching rules one at a time, on small hand-written databases: exact, generic, each fuzzy
// tolerance, TTL handling, window kinds, HTTP order / optional / absent / dishonest, MTU.

#include "identify/p0f_match.h"

#include <gtest/gtest.h>

namespace fp::identify {
namespace {

using tcp::kQuirkDf, tcp::kQuirkNonZeroId, tcp::kQuirkZeroId, tcp::kQuirkEcn, tcp::kQuirkFlow;

P0fDatabase db_of(std::string_view tcp_request) {
  auto db = parse_p0f_database(
      "classes = win,unix,other\n[mtu]\nlabel = Ethernet\nsig = 1500\n"
      "[tcp:request]\n" +
      std::string(tcp_request));
  EXPECT_TRUE(db.errors.empty()) << db.errors[0].line << ": " << db.errors[0].message;
  return db;
}

// A Linux-like SYN: TTL 60, MSS 1460, window 20 x MSS, scale 7, mss,sok,ts,nop,ws, df,id+.
P0fTcpObservation linux_syn() {
  P0fTcpObservation o;
  o.ttl = 60;
  o.mss = 1460;
  o.window = 29200;
  o.window_multiplier = 20;
  o.scale = 7;
  o.olayout = {2, 4, 8, 1, 3};
  o.quirks = kQuirkDf | kQuirkNonZeroId;
  return o;
}

constexpr std::string_view kLinux =
    "label = s:unix:Linux:A\nsig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n";

TEST(P0fMatchTcp, ExactGivesLabelAndDistance) {
  auto m = p0f_match_tcp(db_of(kLinux), linux_syn());
  ASSERT_TRUE(m.matched);
  EXPECT_EQ(m.display(), "Linux A");
  EXPECT_EQ(m.label.os_class, "unix");
  EXPECT_FALSE(m.fuzzy);
  EXPECT_FALSE(m.generic);
  EXPECT_EQ(m.distance, 4);
  EXPECT_EQ(m.line, 7u);
}

TEST(P0fMatchTcp, SpecificBeatsEarlierGeneric) {
  auto db = db_of("label = g:unix:Linux:G\nsig = *:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0\n" +
                  std::string(kLinux));
  EXPECT_EQ(p0f_match_tcp(db, linux_syn()).display(), "Linux A");
  auto o = linux_syn();
  o.scale = 9;  // only the generic sig fits now
  auto m = p0f_match_tcp(db, o);
  EXPECT_EQ(m.display(), "Linux G");
  EXPECT_TRUE(m.generic);
}

TEST(P0fMatchTcp, FuzzyToleratesDfAndIdGoingAway) {
  auto o = linux_syn();
  o.quirks = kQuirkDf;  // id+ gone
  auto m = p0f_match_tcp(db_of(kLinux), o);
  EXPECT_TRUE(m.matched && m.fuzzy);
  EXPECT_EQ(m.distance, 4);
  o.quirks = 0;  // df and id+ gone
  EXPECT_TRUE(p0f_match_tcp(db_of(kLinux), o).fuzzy);
}

TEST(P0fMatchTcp, FuzzyToleratesIdMinusAndEcnAppearing) {
  auto o = linux_syn();
  o.quirks |= kQuirkEcn;
  EXPECT_TRUE(p0f_match_tcp(db_of(kLinux), o).fuzzy);
  o.quirks = kQuirkZeroId;  // df, id+ gone; id- new
  EXPECT_TRUE(p0f_match_tcp(db_of(kLinux), o).fuzzy);
}

TEST(P0fMatchTcp, OtherQuirkDifferencesDoNotMatch) {
  auto o = linux_syn();
  o.quirks |= tcp::kQuirkZeroSeq;
  auto m = p0f_match_tcp(db_of(kLinux), o);
  EXPECT_FALSE(m.matched);
  EXPECT_EQ(m.distance, 4);  // guessed from the TTL: 64 - 60
}

TEST(P0fMatchTcp, TtlOutOfRangeIsFuzzyWithGuessedDistance) {
  auto o = linux_syn();
  o.ttl = 120;  // above the sig's 64
  auto m = p0f_match_tcp(db_of(kLinux), o);
  EXPECT_TRUE(m.matched && m.fuzzy);
  EXPECT_EQ(m.distance, 8);  // 128 - 120
  o.ttl = 20;                // 44 hops below 64: past MAX_DIST
  m = p0f_match_tcp(db_of(kLinux), o);
  EXPECT_TRUE(m.fuzzy);
  EXPECT_EQ(m.distance, 12);  // 32 - 20
}

TEST(P0fMatchTcp, TtlDistanceFoldedIntoSig) {
  auto db = db_of("label = s:unix:X:\nsig = *:64+3:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n");
  EXPECT_EQ(p0f_match_tcp(db, linux_syn()).distance, 7);  // 67 - 60
}

TEST(P0fMatchTcp, RandomTtlSig) {
  auto db = db_of("label = s:unix:X:\nsig = *:64-:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n");
  auto o = linux_syn();
  o.ttl = 10;  // far, but a random-TTL sig takes any TTL up to its own
  auto m = p0f_match_tcp(db, o);
  EXPECT_TRUE(m.matched && m.bad_ttl && !m.fuzzy);
  EXPECT_EQ(m.distance, 54);
  o.ttl = 100;
  EXPECT_FALSE(p0f_match_tcp(db, o).matched);
}

TEST(P0fMatchTcp, FirstFuzzyCandidateWinsAndExactStillPreferred) {
  auto db = db_of(
      "label = s:unix:F1:\nsig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df:0\n"
      "label = s:unix:F2:\nsig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws::0\n" +
      std::string(kLinux));
  auto o = linux_syn();
  EXPECT_EQ(p0f_match_tcp(db, o).display(), "Linux A");
  o.quirks = 0;  // F2 fits exactly now
  EXPECT_EQ(p0f_match_tcp(db, o).display(), "F2");
  o.quirks = kQuirkZeroId;  // fuzzy against F1 (df gone, id- new); F2 also fuzzy: first wins
  EXPECT_EQ(p0f_match_tcp(db, o).display(), "F1");
}

TEST(P0fMatchTcp, ApplicationsNeverMatchFuzzily) {
  auto db = db_of(
      "label = s:!:nmap:\nsys = Linux\n"
      "sig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n");
  EXPECT_EQ(p0f_match_tcp(db, linux_syn()).display(), "nmap");
  auto o = linux_syn();
  o.quirks = kQuirkDf;
  EXPECT_FALSE(p0f_match_tcp(db, o).matched);
}

TEST(P0fMatchTcp, AnyVersionSigDropsOtherVersionQuirks) {
  auto db = db_of("label = s:unix:X:\nsig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+,flow:0\n");
  auto o = linux_syn();
  EXPECT_FALSE(p0f_match_tcp(db, o).fuzzy);  // flow ignored for IPv4
  o.ip_version = 6;
  o.quirks = kQuirkFlow;
  auto m = p0f_match_tcp(db, o);
  EXPECT_TRUE(m.matched && !m.fuzzy);  // df,id+ ignored for IPv6
}

TEST(P0fMatchTcp, WindowKinds) {
  auto o = linux_syn();
  auto fits = [&](std::string_view wsize) {
    std::string sig = "label = s:unix:X:\nsig = *:64:0:*:" + std::string(wsize) +
                      ",7:mss,sok,ts,nop,ws:df,id+:0\n";
    return p0f_match_tcp(db_of(sig), o).matched;
  };
  EXPECT_TRUE(fits("*"));
  EXPECT_TRUE(fits("29200"));
  EXPECT_FALSE(fits("29201"));
  EXPECT_TRUE(fits("%1460"));
  EXPECT_FALSE(fits("%1000"));
  EXPECT_TRUE(fits("mss*20"));
  EXPECT_FALSE(fits("mtu*20"));
  o.window_in_mtu = true;
  EXPECT_TRUE(fits("mtu*20"));
}

TEST(P0fMatchTcp, FixedFieldsMustAgree) {
  auto o = linux_syn();
  o.ip_options_length = 4;
  EXPECT_FALSE(p0f_match_tcp(db_of(kLinux), o).matched);
  o = linux_syn();
  o.payload = true;
  EXPECT_FALSE(p0f_match_tcp(db_of(kLinux), o).matched);
  o = linux_syn();
  o.olayout = {2, 4, 8, 1, 1, 3};
  EXPECT_FALSE(p0f_match_tcp(db_of(kLinux), o).matched);
}

TEST(P0fMatchTcp, SynAckUsesResponseSection) {
  auto o = linux_syn();
  o.syn_ack = true;
  EXPECT_FALSE(p0f_match_tcp(db_of(kLinux), o).matched);
}

P0fDatabase http_db() {
  auto db = parse_p0f_database(
      "classes = unix\n[http:request]\n"
      "label = s:!:curl:\nsys = @unix\nsig = 1:User-Agent,?Referer,Host,Accept=[*/*]:Cookie:curl/\n"
      "label = g:!:Generic:\nsys = @unix\nsig = *:Host::\n");
  EXPECT_TRUE(db.errors.empty());
  return db;
}

P0fHttpObservation request(std::vector<std::pair<std::string, std::string>> headers) {
  http::HttpRequest req{"GET", "/", "HTTP/1.1", {}};
  for (auto& [n, v] : headers) req.headers.push_back({n, v});
  return *p0f_observe_http(req);
}

TEST(P0fMatchHttp, OrderOptionalAbsentAndGeneric) {
  auto db = http_db();
  auto m = p0f_match_http(
      db, request({{"User-Agent", "curl/8"}, {"X", ""}, {"Host", "h"}, {"Accept", "text/*, */*"}}));
  EXPECT_EQ(m.display(), "curl");  // extra headers in between are fine
  EXPECT_FALSE(m.dishonest);
  EXPECT_EQ(
      p0f_match_http(
          db,
          request({{"User-Agent", "curl/8"}, {"Referer", "r"}, {"Host", "h"}, {"Accept", "*/*"}}))
          .display(),
      "curl");
  // Referer out of place, a habsent header present, a wrong value, the wrong order: generic.
  for (auto headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"Referer", "r"}, {"User-Agent", "curl/8"}, {"Host", "h"}, {"Accept", "*/*"}},
           {{"User-Agent", "curl/8"}, {"Host", "h"}, {"Accept", "*/*"}, {"Cookie", "c"}},
           {{"User-Agent", "curl/8"}, {"Host", "h"}, {"Accept", "text/html"}},
           {{"Host", "h"}, {"User-Agent", "curl/8"}, {"Accept", "*/*"}}}) {
    auto g = p0f_match_http(db, request(headers));
    EXPECT_EQ(g.display(), "Generic");
    EXPECT_TRUE(g.generic);
  }
  EXPECT_FALSE(p0f_match_http(db, request({{"host", "h"}})).matched);  // names are case-sensitive
}

TEST(P0fMatchHttp, DishonestUserAgent) {
  auto m = p0f_match_http(http_db(),
                          request({{"User-Agent", "Firefox/1"}, {"Host", "h"}, {"Accept", "*/*"}}));
  EXPECT_EQ(m.display(), "curl");
  EXPECT_TRUE(m.dishonest);
}

TEST(P0fMatchHttp, OnlyGetAndHeadOverHttp1) {
  EXPECT_FALSE(p0f_observe_http({"POST", "/", "HTTP/1.1", {}}));
  EXPECT_FALSE(p0f_observe_http({"GET", "/", "HTTP/2", {}}));
  EXPECT_FALSE(p0f_observe_http({"GET", "/", "HTTP/1.1", {{"Bad Name", "x"}}}));
  auto head = p0f_observe_http({"HEAD", "/", "HTTP/1.0", {}});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->http_version, 0);
}

TEST(P0fMatchMtu, LinkFromMssPlusMinimalHeaders) {
  auto db = db_of("");
  EXPECT_EQ(p0f_match_mtu(db, 1460, 4)->link, "Ethernet");
  EXPECT_EQ(p0f_match_mtu(db, 1440, 6)->link, "Ethernet");
  auto unknown = p0f_match_mtu(db, 1000, 4);
  EXPECT_EQ(unknown->mtu, 1040u);
  EXPECT_TRUE(unknown->link.empty());
  EXPECT_FALSE(p0f_match_mtu(db, 0, 4));
}

}  // namespace
}  // namespace fp::identify
