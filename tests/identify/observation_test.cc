// Observation builders: JA4_r / JA4_ro and JA3 text into code lists, and back to a JA4.
#include <gtest/gtest.h>

#include "identify/observation.h"

namespace fp::identify {
namespace {

// JA4.md's example hello.
constexpr std::string_view kJa4R =
    "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
    "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
    "0403,0804,0401,0503,0805,0501,0806,0601";
constexpr std::string_view kJa4 = "t13d1516h2_8daaf6152771_e5627efa2ab1";

TEST(Observation, Ja4RawGivesListsAndHash) {
  Observation o;
  ASSERT_TRUE(parse_ja4_raw(kJa4R, o));
  EXPECT_EQ(o.ciphers.size(), 15u);
  EXPECT_EQ(o.extensions.size(), 14u);
  EXPECT_EQ(o.sig_algs.size(), 8u);
  EXPECT_TRUE(o.ciphers_sorted);
  EXPECT_EQ(o.ja4_r, kJa4R);
  EXPECT_EQ(o.of(FingerprintKind::kJa4), kJa4);
  EXPECT_EQ(ja4_from_raw(kJa4R), kJa4);
}

TEST(Observation, Ja4RoIsWireOrder) {
  Observation o;
  ASSERT_TRUE(parse_ja4_raw("t13d0203h2_1302,1301_0000,002b,0010_0403", o));
  EXPECT_FALSE(o.extensions_sorted);
  EXPECT_EQ(o.ja4_ro, "t13d0203h2_1302,1301_0000,002b,0010_0403");
  EXPECT_EQ(o.extensions, (std::vector<uint16_t>{0x0000, 0x002b, 0x0010}));
  // The hash sorts ciphers and drops SNI and ALPN, as for JA4_r.
  EXPECT_EQ(ja4_from_raw("t13d0203h2_1302,1301_0000,002b,0010_0403"),
            ja4_from_raw("t13d0203h2_1301,1302_002b_0403"));
}

TEST(Observation, MalformedRawLeavesObservationAlone) {
  Observation o;
  EXPECT_FALSE(parse_ja4_raw("t13d1516h2_zz", o));
  EXPECT_FALSE(parse_ja4_raw("t13d1516h2_130_002b", o));
  EXPECT_FALSE(parse_ja4_raw("", o));
  EXPECT_TRUE(o.ciphers.empty());
  EXPECT_EQ(ja4_from_raw("nope"), "");
}

TEST(Observation, Ja3RawGivesWireOrderAndGroups) {
  Observation o;
  ASSERT_TRUE(parse_ja3_raw("771,2570-4865-4866,0-23-65281,2570-29-23,0", o));
  EXPECT_EQ(o.ciphers, (std::vector<uint16_t>{0x1301, 0x1302}));  // GREASE 2570 dropped
  EXPECT_EQ(o.extensions, (std::vector<uint16_t>{0, 23, 65281}));
  EXPECT_EQ(o.groups, (std::vector<uint16_t>{29, 23}));
  EXPECT_FALSE(parse_ja3_raw("771,x,0,29,0", o));
}

TEST(Observation, ProfileRoundTrip) {
  Profile p;
  p.ciphers = {0x0a0a, 0x1301};
  p.h2_settings = "1:65536";
  p.of(FingerprintKind::kJa4).push_back("t13d0101h2_aaaaaaaaaaaa_bbbbbbbbbbbb");
  const Observation o = observation_of(p);
  EXPECT_EQ(o.ciphers, (std::vector<uint16_t>{0x1301}));
  const Profile back = profile_of(o, "unknown-1");
  EXPECT_EQ(back.of(FingerprintKind::kJa4), p.of(FingerprintKind::kJa4));
  EXPECT_EQ(back.h2_settings, "1:65536");
  EXPECT_NE(format_profile(back).find("[unknown-1]"), std::string::npos);
}

}  // namespace
}  // namespace fp::identify
