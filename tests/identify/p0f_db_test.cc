// p0f.fp parser: every section, every field syntax, bad lines reported with their line numbers.

#include "identify/p0f_db.h"

#include <gtest/gtest.h>

#include "tcp/p0f.h"

namespace fp::identify {

void PrintTo(const P0fDbError& e, std::ostream* os) { *os << e.line << ": " << e.message; }

namespace {

constexpr std::string_view kSmall = R"(; comment
classes = win,unix,other

[mtu]
label = Ethernet or modem
sig   = 1500

[tcp:request]
label = s:unix:Linux:3.11 and newer
sig   = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0
  ; indented comment
label = g:win:Windows:
sig   = 4:128+2:4:1460:%8192,*:mss,nop,eol+3:df,ecn:+

[tcp:response]
label = s:unix:Linux:
sig   = 6:64-:0:1331:mtu*4,0:?30,sack:flow:*

[http:request]
ua_os = Linux,iOS=[iPad]
label = s:!:curl:
sys   = @unix,Windows
sig   = 1:User-Agent,?Referer,Accept=[*/*]:Connection,Accept-Charset:curl/

[http:response]
label = s:!:Apache:2.x
sys   = Linux
sig   = *:Date,Server:Keep-Alive:Apache
)";

TEST(P0fDb, ParsesEverySection) {
  P0fDatabase db = parse_p0f_database(kSmall);
  ASSERT_TRUE(db.errors.empty()) << db.errors[0].line << ": " << db.errors[0].message;
  EXPECT_EQ(db.classes, (std::vector<std::string>{"win", "unix", "other"}));
  ASSERT_EQ(db.mtu.size(), 1u);
  EXPECT_EQ(db.mtu[0].link, "Ethernet or modem");
  EXPECT_EQ(db.mtu[0].mtu, 1500);
  EXPECT_EQ(db.mtu[0].line, 6u);
  ASSERT_EQ(db.tcp_request.size(), 2u);
  ASSERT_EQ(db.tcp_response.size(), 1u);
  ASSERT_EQ(db.http_request.size(), 1u);
  ASSERT_EQ(db.http_response.size(), 1u);
  EXPECT_EQ(db.tcp_request[0].line, 10u);
  const P0fLabel& linux_label = db.labels[db.tcp_request[0].label];
  EXPECT_FALSE(linux_label.generic);
  EXPECT_EQ(linux_label.os_class, "unix");
  EXPECT_EQ(linux_label.display(), "Linux 3.11 and newer");
  const P0fLabel& win = db.labels[db.tcp_request[1].label];
  EXPECT_TRUE(win.generic);
  EXPECT_EQ(win.display(), "Windows");
  const P0fLabel& curl = db.labels[db.http_request[0].label];
  EXPECT_TRUE(curl.is_app());
  EXPECT_EQ(curl.sys, (std::vector<std::string>{"@unix", "Windows"}));
  ASSERT_EQ(db.ua_os.size(), 2u);
  EXPECT_EQ(db.ua_os[1].os, "iOS");
  EXPECT_EQ(db.ua_os[1].needle, "iPad");
  EXPECT_EQ(db.ua_os[0].needle, "Linux");
}

TEST(P0fDb, TcpFieldSyntax) {
  P0fDatabase db = parse_p0f_database(kSmall);
  const P0fTcpSig& a = db.tcp_request[0];
  EXPECT_EQ(a.ip_version, -1);
  EXPECT_EQ(a.ttl, 64);
  EXPECT_EQ(a.mss, -1);
  EXPECT_EQ(a.window_type, P0fWindow::kMss);
  EXPECT_EQ(a.window, 20);
  EXPECT_EQ(a.scale, 10);
  EXPECT_EQ(a.olayout, (std::vector<uint8_t>{2, 4, 8, 1, 3}));
  EXPECT_EQ(a.quirks, tcp::kQuirkDf | tcp::kQuirkNonZeroId);
  EXPECT_EQ(a.payload, 0);
  const P0fTcpSig& b = db.tcp_request[1];
  EXPECT_EQ(b.ip_version, 4);
  EXPECT_EQ(b.ttl, 130);  // 128+2: the distance is folded in, as p0f does
  EXPECT_FALSE(b.bad_ttl);
  EXPECT_EQ(b.ip_options_length, 4);
  EXPECT_EQ(b.mss, 1460);
  EXPECT_EQ(b.window_type, P0fWindow::kMod);
  EXPECT_EQ(b.window, 8192);
  EXPECT_EQ(b.scale, -1);
  EXPECT_EQ(b.olayout, (std::vector<uint8_t>{2, 1, 0}));
  EXPECT_EQ(b.eol_pad, 3);
  EXPECT_EQ(b.quirks, tcp::kQuirkDf | tcp::kQuirkEcn);
  EXPECT_EQ(b.payload, 1);
  const P0fTcpSig& c = db.tcp_response[0];
  EXPECT_EQ(c.ip_version, 6);
  EXPECT_TRUE(c.bad_ttl);
  EXPECT_EQ(c.ttl, 64);
  EXPECT_EQ(c.window_type, P0fWindow::kMtu);
  EXPECT_EQ(c.window, 4);
  EXPECT_EQ(c.olayout, (std::vector<uint8_t>{30, 5}));
  EXPECT_EQ(c.quirks, tcp::kQuirkFlow);
  EXPECT_EQ(c.payload, -1);
}

TEST(P0fDb, EveryQuirkAndWindowForm) {
  P0fTcpSig s;
  ASSERT_EQ(parse_p0f_tcp_sig("*:64:0:*:*,*::df,id+,id-,ecn,0+,flow,seq-,ack+,ack-,uptr+,urgf+,"
                              "pushf+,ts1-,ts2+,opt+,exws,bad:0",
                              s),
            "");
  EXPECT_EQ(s.quirks, (1u << 17) - 1);
  EXPECT_EQ(s.window_type, P0fWindow::kAny);
  EXPECT_TRUE(s.olayout.empty());
  P0fTcpSig v;
  ASSERT_EQ(parse_p0f_tcp_sig("4:255:0:0:15500,0:::0", v), "");
  EXPECT_EQ(v.window_type, P0fWindow::kValue);
  EXPECT_EQ(v.window, 15500);
}

TEST(P0fDb, HttpFieldSyntax) {
  P0fDatabase db = parse_p0f_database(kSmall);
  const P0fHttpSig& s = db.http_request[0];
  EXPECT_EQ(s.http_version, 1);
  ASSERT_EQ(s.headers.size(), 3u);
  EXPECT_EQ(s.headers[0].name, "User-Agent");
  EXPECT_FALSE(s.headers[0].has_value);
  EXPECT_TRUE(s.headers[1].optional);
  EXPECT_EQ(s.headers[2].value, "*/*");
  EXPECT_EQ(s.absent, (std::vector<std::string>{"Connection", "Accept-Charset"}));
  EXPECT_EQ(s.software, "curl/");
  P0fHttpSig v;
  ASSERT_EQ(parse_p0f_http_sig("0:Accept=[a,b:c],Host:::", v), "malformed signature: ':' in expsw");
  P0fHttpSig w;
  ASSERT_EQ(parse_p0f_http_sig("0:Accept=[a,b:c],Host::", w), "");
  EXPECT_EQ(w.headers[0].value, "a,b:c");  // values may hold ',' and ':'
  EXPECT_EQ(w.http_version, 0);
  EXPECT_TRUE(w.software.empty());
}

TEST(P0fDb, NamesKeepTheirFirstSpelling) {
  // p0f compares names case-insensitively and prints the spelling it saw first.
  auto db = parse_p0f_database(
      "classes = unix\n[tcp:request]\nlabel = s:unix:Linux:a\nsig = *:64:0:*:*,*:::0\n"
      "label = s:unix:LINUX:b\nsig = *:64:0:*:*,*:mss::0\n");
  ASSERT_TRUE(db.errors.empty());
  EXPECT_EQ(db.labels[1].display(), "Linux b");
}

TEST(P0fDb, BadLinesAreReportedWithLineNumbers) {
  constexpr std::string_view kBad = R"(classes = win,unix
[tcp:sideways]
[tcp:request]
sig = *:64:0:*:*,*:::0
label = s:bsd:Foo:
sig = *:64:0:*:*,*:::0
label = s:unix:Foo:
sig = 5:64:0:*:*,*:::0
sig = *:300:0:*:*,*:::0
sig = *:64:0:*:mss*0,*:::0
sig = *:64:0:*:*,*:mss,bogus::0
sig = *:64:0:*:*,*:eol+0,mss::0
sig = 6:64:0:*:*,*::df:0
sig = *:64:0:*:*,*:::x
sig = *:64:0:*:*:::0
what is this
label = s:!:tool:
sig = *:64:0:*:*,*:::0
[mtu]
label = x
sig = 0
[http:request]
label = s:unix:Foo:
sig = 2:Host::
sig = *:Host=[unterminated::
ua_os = Linux
label = s:unix:Foo:
sig = *:64:0:*:*,*:::0
)";
  P0fDatabase db = parse_p0f_database(kBad);
  std::vector<P0fDbError> want = {
      {2, "unrecognized section '[tcp:sideways]'"},
      {4, "misplaced 'sig'"},
      {5, "unknown class 'bsd'"},
      {8, "unrecognized IP version"},
      {9, "bogus initial TTL"},
      {10, "bogus window size"},
      {11, "unrecognized TCP option 'bogus'"},
      {12, "EOL must be the last option"},
      {13, "'df' is not valid for IPv6"},
      {14, "malformed payload class"},
      {15, "malformed signature: no ',' after window size"},
      {16, "unexpected statement"},
      {18, "misplaced 'sig'"},  // an application label needs its 'sys' line first
      {21, "malformed MTU value"},
      {24, "bad HTTP version"},
      {25, "malformed header value"},
      {26, "misplaced 'ua_os'"},
      {28, "malformed signature: ':' in expsw"},  // a TCP sig under [http:request]
  };
  EXPECT_EQ(db.errors, want);
  EXPECT_TRUE(db.tcp_request.empty());
}

TEST(P0fDb, ToleratesCrLfAndEmptyInput) {
  EXPECT_TRUE(parse_p0f_database("").errors.empty());
  auto db = parse_p0f_database("classes = unix\r\n[mtu]\r\nlabel = x\r\nsig = 1500\r\n");
  EXPECT_TRUE(db.errors.empty());
  ASSERT_EQ(db.mtu.size(), 1u);
}

}  // namespace
}  // namespace fp::identify
