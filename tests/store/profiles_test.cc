// Profiles: seeding once, search, put/replace/remove with version bumps, and every field of the
// committed database through the store and back.
#include <gtest/gtest.h>

#include "identify/committed_profiles.h"
#include "store/same_profile.h"
#include "store/store_fixture.h"

namespace fp::store::test {
namespace {

using identify::FingerprintKind;
using identify::Profile;
using identify::test::same_profile;

Profile make(std::string id, std::string name, std::string label) {
  Profile p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.label = std::move(label);
  return p;
}

// Three profiles; the expectations of the search tests are read off these by hand.
std::vector<Profile> three() {
  Profile alpha = make("alpha-chrome", "chrome", "Chromium Browser");
  alpha.of(FingerprintKind::kJa4).push_back("t13d1516h2_8daaf6152771_02713d6af862");
  Profile beta = make("beta-curl", "curl", "");
  beta.user_agent = "curl/8.0";
  beta.notes = "Seen in CI";
  beta.of(FingerprintKind::kJa4).push_back("t13d1516h2_8daaf6152771_02713d6af862");
  beta.of(FingerprintKind::kJa3n).push_back("dee19b855b658c6aa0f575eda2525e19");
  Profile gamma = make("gamma", "", "some box");
  gamma.os = "Linux";
  gamma.of(FingerprintKind::kJa4t).push_back("64240_2-1-3-1-1-4_1460_8");
  return {alpha, beta, gamma};
}

std::vector<std::string> ids(const std::vector<StoredProfile>& found) {
  std::vector<std::string> out;
  for (const StoredProfile& s : found) out.push_back(s.profile.id);
  return out;
}

using Ids = std::vector<std::string>;

class ProfilesTest : public BackendTest {
 protected:
  Ids find(ProfileQuery q, size_t expected_total) const {
    size_t total = 99;
    Ids found = ids(store_->find_profiles(q, total));
    EXPECT_EQ(total, expected_total) << q.text << " / " << q.fingerprint;
    return found;
  }
};

TEST_P(ProfilesTest, SeedsTheCommittedDatabaseOnceWithEveryField) {
  const std::vector<Profile> committed = identify::test::committed_profiles(FP_SOURCE_DIR);
  ASSERT_GT(committed.size(), 100u);
  const uint64_t version = store_->profiles_version();
  EXPECT_EQ(store_->seed_profiles(committed), committed.size());
  EXPECT_EQ(store_->profiles_version(), version + 1);
  const std::vector<Profile> stored = store_->all_profiles();
  ASSERT_EQ(stored.size(), committed.size());
  for (size_t i = 0; i < stored.size(); ++i) EXPECT_TRUE(same_profile(stored[i], committed[i]));

  EXPECT_EQ(store_->seed_profiles(committed), 0u);
  EXPECT_EQ(store_->profiles_version(), version + 1);
  EXPECT_EQ(store_->errors(), 0u);
}

TEST_P(ProfilesTest, ProfilesDeletedThroughTheApiDoNotComeBack) {
  const std::vector<Profile> profiles = three();
  EXPECT_EQ(store_->seed_profiles(profiles), 3u);
  for (const Profile& p : profiles) EXPECT_TRUE(store_->remove_profile(p.id));
  EXPECT_EQ(store_->seed_profiles(profiles), 0u);
  EXPECT_TRUE(store_->all_profiles().empty());
}

TEST_P(ProfilesTest, SeedingATableThatHasProfilesDoesNothing) {
  std::string error;
  ASSERT_EQ(store_->put_profile(three()[2], true, error), Store::PutResult::kCreated) << error;
  EXPECT_EQ(store_->seed_profiles(three()), 0u);
  EXPECT_EQ(store_->all_profiles().size(), 1u);
}

TEST_P(ProfilesTest, SeedingKeepsTheFirstOfTwoEqualIds) {
  std::vector<Profile> profiles = three();
  profiles.push_back(make("gamma", "wget", ""));
  EXPECT_EQ(store_->seed_profiles(profiles), 3u);
  EXPECT_EQ(store_->profile("gamma")->profile.os, "Linux");
}

TEST_P(ProfilesTest, TextSearchIsACaseInsensitiveSubstring) {
  ASSERT_EQ(store_->seed_profiles(three()), 3u);
  EXPECT_EQ(find({.text = "CHROM"}, 1), (Ids{"alpha-chrome"}));    // label and id
  EXPECT_EQ(find({.text = "seen in ci"}, 1), (Ids{"beta-curl"}));  // notes
  EXPECT_EQ(find({.text = "curl/8"}, 1), (Ids{"beta-curl"}));      // user_agent
  EXPECT_EQ(find({.text = "some BOX"}, 1), (Ids{"gamma"}));        // label
  EXPECT_EQ(find({.text = "linux"}, 0), Ids{});                    // os is not searched
  EXPECT_EQ(find({.text = "a"}, 3), (Ids{"alpha-chrome", "beta-curl", "gamma"}));
  EXPECT_EQ(find({.text = "%"}, 0), Ids{});  // no LIKE wildcards
  EXPECT_EQ(find({.text = "_"}, 0), Ids{});
  EXPECT_EQ(find({}, 3), (Ids{"alpha-chrome", "beta-curl", "gamma"}));
}

TEST_P(ProfilesTest, FingerprintSearchIsExactOverEveryKind) {
  ASSERT_EQ(store_->seed_profiles(three()), 3u);
  EXPECT_EQ(find({.fingerprint = "t13d1516h2_8daaf6152771_02713d6af862"}, 2),
            (Ids{"alpha-chrome", "beta-curl"}));
  EXPECT_EQ(find({.fingerprint = "dee19b855b658c6aa0f575eda2525e19"}, 1), (Ids{"beta-curl"}));
  EXPECT_EQ(find({.fingerprint = "64240_2-1-3-1-1-4_1460_8"}, 1), (Ids{"gamma"}));
  EXPECT_EQ(find({.fingerprint = "t13d1516h2"}, 0), Ids{});
  EXPECT_EQ(find({.text = "curl", .fingerprint = "t13d1516h2_8daaf6152771_02713d6af862"}, 1),
            (Ids{"beta-curl"}));
}

TEST_P(ProfilesTest, PagesCountTheWholeQuery) {
  ASSERT_EQ(store_->seed_profiles(three()), 3u);
  EXPECT_EQ(find({.text = "a", .limit = 2}, 3), (Ids{"alpha-chrome", "beta-curl"}));
  EXPECT_EQ(find({.text = "a", .limit = 2, .offset = 2}, 3), (Ids{"gamma"}));
  EXPECT_EQ(find({.text = "a", .limit = 2, .offset = 9}, 3), Ids{});
  EXPECT_EQ(find({.limit = 0}, 3), (Ids{"alpha-chrome"}));  // clamped to 1
}

TEST_P(ProfilesTest, PutReplaceRemoveAndTheVersion) {
  std::string error;
  const Profile alpha = three()[0];
  uint64_t version = store_->profiles_version();
  EXPECT_EQ(store_->put_profile(alpha, true, error), Store::PutResult::kCreated) << error;
  EXPECT_EQ(store_->profiles_version(), ++version);

  EXPECT_EQ(store_->put_profile(alpha, true, error), Store::PutResult::kError);
  EXPECT_EQ(error, "exists");
  EXPECT_EQ(store_->profiles_version(), version);

  Profile changed = alpha;
  changed.version = "131";
  changed.of(FingerprintKind::kJa4) = {"t13d1517h2_8daaf6152771_b0da82dd1658"};
  EXPECT_EQ(store_->put_profile(changed, false, error), Store::PutResult::kReplaced) << error;
  EXPECT_EQ(store_->profiles_version(), ++version);
  const std::optional<StoredProfile> stored = store_->profile("alpha-chrome");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(same_profile(stored->profile, changed));
  EXPECT_GT(stored->updated_ms, 1'600'000'000'000);
  // The fingerprint index follows the replacement.
  EXPECT_EQ(find({.fingerprint = "t13d1516h2_8daaf6152771_02713d6af862"}, 0), Ids{});
  EXPECT_EQ(find({.fingerprint = "t13d1517h2_8daaf6152771_b0da82dd1658"}, 1),
            (Ids{"alpha-chrome"}));

  EXPECT_TRUE(store_->remove_profile("alpha-chrome"));
  EXPECT_EQ(store_->profiles_version(), ++version);
  EXPECT_FALSE(store_->profile("alpha-chrome"));
  EXPECT_EQ(find({.fingerprint = "t13d1517h2_8daaf6152771_b0da82dd1658"}, 0), Ids{});
  EXPECT_FALSE(store_->remove_profile("alpha-chrome"));
  EXPECT_EQ(store_->profiles_version(), version);
}

TEST_P(ProfilesTest, AReplacedProfileKeepsItsPlace) {
  ASSERT_EQ(store_->seed_profiles(three()), 3u);
  std::string error;
  Profile first = three()[0];
  first.notes = "edited";
  ASSERT_EQ(store_->put_profile(first, false, error), Store::PutResult::kReplaced) << error;
  ASSERT_EQ(store_->put_profile(make("delta", "wget", ""), false, error),
            Store::PutResult::kCreated);
  const std::vector<Profile> all = store_->all_profiles();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, "alpha-chrome");
  EXPECT_EQ(all[0].notes, "edited");
  EXPECT_EQ(all[3].id, "delta");
}

TEST_P(ProfilesTest, RefusesWhatTheDatabaseSyntaxCannotCarry) {
  std::string error;
  EXPECT_EQ(store_->put_profile(make("Bad Id", "curl", ""), false, error),
            Store::PutResult::kError);
  EXPECT_NE(error.find("id must match"), std::string::npos) << error;
  EXPECT_EQ(store_->put_profile(make("nobody", "", ""), false, error), Store::PutResult::kError);
  EXPECT_NE(error.find("a name, an os or a label"), std::string::npos) << error;
  EXPECT_EQ(store_->put_profile(make("two-lines", "curl", "a\nb = c"), false, error),
            Store::PutResult::kError);
  EXPECT_NE(error.find("read back"), std::string::npos) << error;
  EXPECT_EQ(store_->put_profile(make("padded", "curl", " x"), false, error),
            Store::PutResult::kError);
  EXPECT_EQ(store_->put_profile(make("no-word", "Chrome", ""), false, error),
            Store::PutResult::kError);
  EXPECT_NE(error.find("vocabulary"), std::string::npos) << error;
  EXPECT_TRUE(store_->all_profiles().empty());
  EXPECT_EQ(store_->profiles_version(), 1u);
}

TEST_P(ProfilesTest, SurvivesReopening) {
  ASSERT_EQ(store_->seed_profiles(three()), 3u);
  reopen();
  const auto& again = store_;
  const std::vector<Profile> all = again->all_profiles();
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(same_profile(all[i], three()[i]));
  EXPECT_EQ(again->seed_profiles(three()), 0u);
}

FP_STORE_BACKENDS(ProfilesTest);

}  // namespace
}  // namespace fp::store::test
