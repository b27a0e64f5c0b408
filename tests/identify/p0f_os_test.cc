// p0f OS from a raw_sig string (p0f_match_raw.cc, p0f_os.h) and what identity and consistency
// make of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "identify/consistency.h"
#include "identify/identity.h"
#include "identify/p0f_os.h"

namespace fp::identify {
namespace {

const P0fDatabase& database() {
  static const P0fDatabase db = [] {
    std::ifstream in(std::string(FP_SOURCE_DIR) + "/tests/identify/vectors/p0f_debian.fp");
    return parse_p0f_database(
        std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()});
  }();
  return db;
}

constexpr const char* kLinuxSyn = "4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0";
constexpr const char* kWindowsSyn = "4:128+0:0:1460:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0";
constexpr const char* kWindowsUa =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36";

TEST(P0fRawSig, ReadsEveryField) {
  auto obs = p0f_observe_raw_sig("4:57+7:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0");
  ASSERT_TRUE(obs);
  EXPECT_FALSE(obs->syn_ack);
  EXPECT_EQ(obs->ip_version, 4);
  EXPECT_EQ(obs->ttl, 57);
  EXPECT_EQ(obs->mss, 1460);
  EXPECT_EQ(obs->window, 29200);
  EXPECT_EQ(obs->window_multiplier, 20);
  EXPECT_FALSE(obs->window_in_mtu);
  EXPECT_EQ(obs->scale, 7);
  EXPECT_EQ(obs->olayout, (std::vector<uint8_t>{2, 4, 8, 1, 3}));
  EXPECT_EQ(obs->quirks, uint32_t{tcp::kQuirkDf | tcp::kQuirkNonZeroId});
  EXPECT_FALSE(obs->payload);
}

TEST(P0fRawSig, FarTtlAndSendsynMss) {
  auto far = p0f_observe_raw_sig("6:20+?:0:1440:mtu*4,0:mss::+", true);
  ASSERT_TRUE(far);
  EXPECT_EQ(far->ttl, 20);
  EXPECT_TRUE(far->syn_ack);
  EXPECT_TRUE(far->window_in_mtu);
  EXPECT_EQ(far->window, (1440 + 40) * 4);
  EXPECT_TRUE(far->payload);
  auto sendsyn = p0f_observe_raw_sig("4:64+0:0:*:8192,0:mss::0", true);
  ASSERT_TRUE(sendsyn);
  EXPECT_EQ(sendsyn->mss, 1331);
}

TEST(P0fRawSig, RejectsWhatIsNotARawSig) {
  for (const char* bad :
       {"", "garbage", "4:64:0:1460:8192,8:mss::0", "*:64+0:0:1460:8192,8:mss::0",
        "4:64+0:0:1460:%8192,8:mss::0", "4:64+0:0:1460:*,8:mss::0", "4:64+0:0:1460:8192,8:mss::*",
        "4:64+x:0:1460:8192,8:mss::0", "4:64+0:0:1460:mss*50,8:mss::0"}) {
    EXPECT_FALSE(p0f_observe_raw_sig(bad)) << bad;
  }
}

TEST(P0fOs, FillsTheObservation) {
  Observation o;
  o.p0f_signature = kLinuxSyn;
  ASSERT_TRUE(set_p0f_os(database(), o));
  EXPECT_EQ(o.p0f_os, "Linux");
  EXPECT_EQ(o.p0f_flavor, "3.11 and newer");
  EXPECT_EQ(o.p0f_match, P0fMatchKind::kExact);
  EXPECT_EQ(o.p0f_distance, 0);

  o = Observation{};
  o.p0f_signature = "4:61+3:0:1460:65535,6:mss,sok,ts,nop,ws:df,id+:0";
  ASSERT_TRUE(set_p0f_os(database(), o));
  EXPECT_EQ(o.p0f_os, "Linux");
  EXPECT_EQ(o.p0f_match, P0fMatchKind::kGeneric);
  EXPECT_EQ(o.p0f_distance, 3);
}

TEST(P0fOs, MacLabelUsesTheVocabularyName) {
  Observation o;
  o.p0f_signature = "4:64+0:0:1460:65535,4:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0";
  ASSERT_TRUE(set_p0f_os(database(), o));
  EXPECT_EQ(o.p0f_os, "Mac OS X");
}

TEST(P0fOs, NoMatchOrBadTextLeavesItEmpty) {
  Observation o;
  o.p0f_signature = "4:255+0:0:0:15500,0:::0";
  EXPECT_FALSE(set_p0f_os(database(), o));
  o.p0f_signature = "not a signature";
  EXPECT_FALSE(set_p0f_os(database(), o));
  EXPECT_TRUE(o.p0f_os.empty());
  EXPECT_EQ(o.p0f_match, P0fMatchKind::kNone);
  EXPECT_EQ(o.p0f_distance, -1);
}

TEST(P0fOs, WindowsUaOnLinuxSynIsInconsistent) {
  Observation o;
  o.user_agent = kWindowsUa;
  o.p0f_signature = kLinuxSyn;
  ASSERT_TRUE(set_p0f_os(database(), o));
  const Consistency c = check_consistency(o, "");
  ASSERT_TRUE(c.score);
  EXPECT_NE(std::find(c.reasons.begin(), c.reasons.end(), "ua_windows_tcp_linux"), c.reasons.end());
  EXPECT_LT(*c.score, 1.0);

  o.p0f_signature = kWindowsSyn;
  o.p0f_os.clear();
  ASSERT_TRUE(set_p0f_os(database(), o));
  EXPECT_EQ(o.p0f_os, "Windows");
  EXPECT_TRUE(check_consistency(o, "").reasons.empty());
}

TEST(P0fOs, IdentityConfidenceFollowsTheMatchKind) {
  const Identifier identifier({});
  Observation o;
  o.p0f_os = "Linux";
  double last = 1.0;
  for (P0fMatchKind kind : {P0fMatchKind::kExact, P0fMatchKind::kGeneric, P0fMatchKind::kFuzzy}) {
    o.p0f_match = kind;
    const Identity id = identifier.identify(o);
    ASSERT_TRUE(id.os);
    EXPECT_EQ(id.os->name, "Linux");
    EXPECT_LT(id.os->confidence, last);
    last = id.os->confidence;
  }
}

Profile profile(std::string id, std::string name, std::string os, std::string ja4) {
  Profile p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.os = std::move(os);
  p.fingerprints[static_cast<size_t>(FingerprintKind::kJa4)].push_back(std::move(ja4));
  return p;
}

TEST(P0fOs, ClientProfileOsOnlyWhenTheClientHasOne) {
  const Identifier identifier({profile("wininet-1", "wininet", "Windows", "t13d_wininet"),
                               profile("chrome-win", "chrome", "Windows", "t13d_chrome"),
                               profile("chrome-linux", "chrome", "Linux", "t13d_chrome2")});
  Observation o;
  o.of(FingerprintKind::kJa4) = "t13d_wininet";
  Identity id = identifier.identify(o);
  ASSERT_TRUE(id.os);
  EXPECT_EQ(id.os->name, "Windows");
  EXPECT_LT(id.os->confidence, 0.6);

  o.of(FingerprintKind::kJa4) = "t13d_chrome";
  id = identifier.identify(o);
  ASSERT_TRUE(id.client);
  EXPECT_EQ(id.client->name, "chrome");
  EXPECT_FALSE(id.os);  // Chrome runs on both: its TLS tells no OS

  o.of(FingerprintKind::kJa4) = "t13d_wininet";
  o.p0f_signature = kLinuxSyn;
  ASSERT_TRUE(set_p0f_os(database(), o));
  id = identifier.identify(o);
  ASSERT_TRUE(id.os);
  EXPECT_EQ(id.os->name, "Linux");  // the SYN wins over the profile
}

}  // namespace
}  // namespace fp::identify
