// Similarity: the field measures on hand-made lists, and the committed database's profiles
// against each other.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "identify/committed_profiles.h"
#include "identify/similarity.h"

namespace fp::identify {
namespace {

std::vector<Profile> committed_profiles() { return test::committed_profiles(FP_SOURCE_DIR); }

const Profile& by_id(const std::vector<Profile>& all, std::string_view id) {
  for (const Profile& p : all) {
    if (p.id == id) return p;
  }
  throw std::runtime_error("no profile " + std::string(id));
}

TEST(SimilarityMeasures, JaccardOfSets) {
  const std::vector<uint16_t> a{1, 2, 3}, b{2, 3, 4}, empty;
  EXPECT_DOUBLE_EQ(jaccard(a, b), 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(jaccard(a, std::vector<uint16_t>{7}), 0.0);
  EXPECT_DOUBLE_EQ(jaccard(empty, empty), 1.0);
  EXPECT_DOUBLE_EQ(jaccard(std::vector<uint16_t>{1, 1, 2}, std::vector<uint16_t>{2, 1}), 1.0);
}

TEST(SimilarityMeasures, KendallOrder) {
  const std::vector<uint16_t> a{1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(order_similarity(a, a), 1.0);
  EXPECT_DOUBLE_EQ(order_similarity(a, std::vector<uint16_t>{1, 3, 2, 4}), 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(order_similarity(a, std::vector<uint16_t>{4, 3, 2, 1}), 0.0);
  // Only common codes count: 9 is ignored, 1 and 3 are in order.
  EXPECT_DOUBLE_EQ(order_similarity(std::vector<uint16_t>{1, 9, 3}, a), 1.0);
}

TEST(SimilarityMeasures, EditDistanceOfHeaderNames) {
  const std::vector<std::string_view> a{"host", "user-agent", "accept"}, b{"host", "accept"};
  EXPECT_DOUBLE_EQ(edit_similarity(a, b), 1.0 - 1.0 / 3.0);
  const std::vector<std::string_view> swapped{"user-agent", "host", "accept"};
  EXPECT_DOUBLE_EQ(edit_similarity(a, swapped), 1.0 - 2.0 / 3.0);
}

TEST(SimilarityMeasures, Http2Settings) {
  // ids {1, 2, 4, 5}; only id 1 carries the same value on both sides.
  EXPECT_DOUBLE_EQ(settings_similarity("1:65536;2:0;4:6291456", "1:65536;4:131072;5:16384"), 0.25);
  EXPECT_DOUBLE_EQ(settings_similarity("1:65536", "1:65536"), 1.0);
  EXPECT_DOUBLE_EQ(settings_similarity("bad", "1:65536"), 0.0);
  // Same SETTINGS, other WINDOW_UPDATE and pseudo-header order: half.
  EXPECT_DOUBLE_EQ(
      akamai_similarity("1:65536;2:0|15663105|0|m,a,s,p", "1:65536;2:0|12517377|0|m,p,a,s"), 0.5);
}

TEST(Similarity, GreaseAndSniAlpnDoNotCount) {
  Observation a, b;
  a.ciphers = {0x1301, 0x1302};
  a.extensions = {0x0000, 0x002b, 0x0010, 0x000d};
  b.ciphers = {0x1301, 0x1302};
  b.extensions = {0x002b, 0x000d};
  const Similarity s = compare(a, b);
  EXPECT_DOUBLE_EQ(*s.of(SimilarityField::kCiphers), 1.0);
  EXPECT_DOUBLE_EQ(*s.of(SimilarityField::kExtensions), 1.0);
  EXPECT_FALSE(s.of(SimilarityField::kGroups));  // unknown, not "two empty sets"
  EXPECT_DOUBLE_EQ(s.quality, 1.0);
  EXPECT_LT(s.coverage, 1.0);
}

TEST(Similarity, WeightedQualityOfKnownFields) {
  Observation a, b;
  a.ciphers = {1, 2, 3};
  b.ciphers = {2, 3, 4};                 // 0.5, weight 3
  a.extensions = b.extensions = {5, 6};  // 1.0 weight 3; order 1.0 weight 0.5
  const Similarity s = compare(a, b);
  // Cipher order over {2, 3}: same order, 1.0, weight 1.
  EXPECT_DOUBLE_EQ(s.quality, (3 * 0.5 + 3 * 1.0 + 1 * 1.0 + 0.5 * 1.0) / (3 + 3 + 1 + 0.5));
}

TEST(Similarity, IdenticalProfileIsQualityOne) {
  const auto all = committed_profiles();
  const Observation o = observation_of(by_id(all, "lexiforest-chrome_131.0.6778.86"));
  const Similarity s = compare(o, o);
  EXPECT_DOUBLE_EQ(s.quality, 1.0);
  EXPECT_DOUBLE_EQ(s.coverage, 1.0);
}

TEST(Similarity, ChromeIsCloserToChromeThanToFirefox) {
  const auto all = committed_profiles();
  const Observation chrome131 = observation_of(by_id(all, "lexiforest-chrome_131.0.6778.86"));
  const Observation chrome133 = observation_of(by_id(all, "lexiforest-chrome_133.0.6943.55"));
  const Observation firefox = observation_of(by_id(all, "lexiforest-firefox_133.0.3_linux"));
  const double same_family = compare(chrome131, chrome133).quality;
  const double other_family = compare(chrome131, firefox).quality;
  EXPECT_GT(same_family, 0.9);
  EXPECT_LT(other_family, 0.7);
  EXPECT_GT(same_family, other_family + 0.2);
}

TEST(SimilarityIndex, NearestAgreesWithCompare) {
  const auto all = committed_profiles();
  const SimilarityIndex index(all);
  EXPECT_GT(index.size(), 50u);
  const Profile& firefox = by_id(all, "lexiforest-firefox_135.0.1_linux");
  const Observation o = observation_of(firefox);
  const auto nearest = index.nearest(o, 5);
  ASSERT_EQ(nearest.size(), 5u);
  EXPECT_DOUBLE_EQ(nearest[0].similarity.quality, 1.0);
  EXPECT_EQ(nearest[0].profile->name, "firefox");
  for (const Neighbour& n : nearest) {
    EXPECT_NEAR(n.similarity.quality, compare(o, observation_of(*n.profile)).quality, 1e-12)
        << n.profile->id;
  }
  for (size_t i = 1; i < nearest.size(); ++i) {
    EXPECT_GE(nearest[i - 1].similarity.quality, nearest[i].similarity.quality);
  }
}

TEST(SimilarityIndex, NoCiphersNoNeighbours) {
  const auto all = committed_profiles();
  const SimilarityIndex index(all);
  EXPECT_TRUE(index.nearest(Observation{}, 5).empty());
}

}  // namespace
}  // namespace fp::identify
