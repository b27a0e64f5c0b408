// Exact lookup over the committed database: a Chrome profile's JA4 finds it.
#include <gtest/gtest.h>

#include "identify/lookup.h"

namespace fp::identify {
namespace {

std::vector<Profile> two_profiles() {
  const ProfileDb db = parse_profile_db(R"(format = 1
[chrome-131]
name = chrome
ja4 = t13d1516h2_8daaf6152771_02713d6af862
akamai = 1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p
[edge-131]
name = edge
ja4 = t13d1516h2_8daaf6152771_02713d6af862
[curl]
name = curl
ja4 = t13d4312h1_c7886603b240_b26ce05bbdd6
)");
  return db.profiles;
}

TEST(Lookup, Ja4FindsEveryProfileThatListsIt) {
  const ProfileIndex index(two_profiles());
  Observation o;
  o.of(FingerprintKind::kJa4) = "t13d1516h2_8daaf6152771_02713d6af862";
  const auto matches = index.lookup(o);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].profile->id, "chrome-131");
  EXPECT_TRUE(matches[0].matched_by(FingerprintKind::kJa4));
  EXPECT_FALSE(matches[0].matched_by(FingerprintKind::kAkamai));
}

TEST(Lookup, MoreMatchedKindsRankFirst) {
  const ProfileIndex index(two_profiles());
  Observation o;
  o.of(FingerprintKind::kJa4) = "t13d1516h2_8daaf6152771_02713d6af862";
  o.of(FingerprintKind::kAkamai) = "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p";
  const auto matches = index.lookup(o);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].profile->id, "chrome-131");
  EXPECT_EQ(matches[0].count(), 2);
  EXPECT_EQ(matches[1].count(), 1);
}

TEST(Lookup, NothingKnownOrUnknownValueFindsNothing) {
  const ProfileIndex index(two_profiles());
  Observation o;
  EXPECT_TRUE(index.lookup(o).empty());
  o.of(FingerprintKind::kJa4) = "t13d0000h2_000000000000_000000000000";
  EXPECT_TRUE(index.lookup(o).empty());
}

}  // namespace
}  // namespace fp::identify
