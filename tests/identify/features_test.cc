// Features come from wire data only: a label cannot change them.
#include "identify/features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

#include "identify/observation.h"

namespace fp::identify {
namespace {

Profile chrome_like() {
  Profile p;
  p.id = "x";
  p.name = "chrome";
  p.kind = "browser";
  p.tls_library = "boringssl";
  p.version = "131";
  p.os = "Windows";
  p.label = "Google Chrome";
  p.user_agent = "Mozilla/5.0 Chrome/131";
  p.of(FingerprintKind::kJa4) = {"t13d1516h2_8daaf6152771_02713d6af862"};
  p.of(FingerprintKind::kAkamai) = {"1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p"};
  p.ciphers = {0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b};
  p.extensions = {0x0a0a, 0x0000, 0x0017, 0x11ec, 0x0015};
  p.groups = {0x0a0a, 0x11ec, 0x001d};
  p.sig_algs = {0x0403, 0x0804};
  p.header_orders = {":method,:authority,:scheme,:path,user-agent,accept"};
  return p;
}

bool same_bits(const FeatureVector& a, const FeatureVector& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

float feature(const FeatureVector& v, std::string_view name) {
  const auto& names = feature_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return v[i];
  }
  ADD_FAILURE() << "no feature " << name;
  return 0;
}

TEST(Features, NamesAreUniqueAndMatchTheVector) {
  const auto& names = feature_names();
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(compute_features(wire_data_of(chrome_like())).size(), feature_count());
  EXPECT_EQ(compute_features(WireData{}).size(), feature_count());
}

TEST(Features, NeverChangeWithTheLabel) {
  const FeatureVector base = compute_features(wire_data_of(chrome_like()));
  Profile relabelled = chrome_like();
  relabelled.id = "other";
  relabelled.name = "firefox";
  relabelled.kind = "tool";
  relabelled.tls_library = "nss";
  relabelled.version = "1";
  relabelled.os = "Linux";
  relabelled.os_flavor = "x";
  relabelled.label = "something else";
  relabelled.source = "elsewhere";
  relabelled.user_agent = "curl/8";
  relabelled.notes = "n";
  EXPECT_TRUE(same_bits(base, compute_features(wire_data_of(relabelled))));
}

TEST(Features, WireDataChangesThem) {
  Profile other = chrome_like();
  other.groups = {0x001d, 0x0017};
  EXPECT_FALSE(same_bits(compute_features(wire_data_of(chrome_like())),
                         compute_features(wire_data_of(other))));
}

TEST(Features, ReadTheWire) {
  const FeatureVector v = compute_features(wire_data_of(chrome_like()));
  EXPECT_EQ(feature(v, "ja4.version"), 13);
  EXPECT_EQ(feature(v, "ja4.cipher_count"), 15);
  EXPECT_EQ(feature(v, "ja4.alpn"), 1);
  EXPECT_EQ(feature(v, "cipher_count"), 4);  // GREASE removed
  EXPECT_EQ(feature(v, "cipher.1303"), 1);
  EXPECT_EQ(feature(v, "cipher.0035"), 0);
  EXPECT_EQ(feature(v, "cipher_pos.1302"), 1);
  EXPECT_EQ(feature(v, "group.11ec"), 1);
  EXPECT_EQ(feature(v, "order.first_group"), 0x11ec);
  EXPECT_EQ(feature(v, "order.padding_last"), 1);
  EXPECT_EQ(feature(v, "h2.setting_4"), 6291456);
  EXPECT_EQ(feature(v, "h2.setting_pos_6"), 3);
  EXPECT_EQ(feature(v, "h2.setting_3"), -1);  // not sent
  EXPECT_EQ(feature(v, "h2.window_update"), 15663105);
  EXPECT_EQ(feature(v, "h2.pseudo_order"), 1234);
  EXPECT_EQ(feature(v, "hdr_pos.accept"), 1);
  EXPECT_TRUE(std::isnan(feature(v, "tcp.window")));  // no JA4T
}

TEST(Features, UnknownLayersAreMissingNotAbsent) {
  Profile p;
  p.of(FingerprintKind::kJa4) = {"t13d1516h2_8daaf6152771_02713d6af862"};
  p.of(FingerprintKind::kJa4t) = {"64240_2-1-3-1-1-4_1460_8"};
  const FeatureVector v = compute_features(wire_data_of(p));
  EXPECT_TRUE(std::isnan(feature(v, "cipher.1301")));
  EXPECT_TRUE(std::isnan(feature(v, "h2.setting_1")));
  EXPECT_EQ(feature(v, "tcp.window"), 64240);
  EXPECT_EQ(feature(v, "tcp.option_1"), 1);
  EXPECT_EQ(feature(v, "tcp.wscale"), 8);
}

TEST(Features, MalformedStringsGiveMissing) {
  Profile p;
  p.of(FingerprintKind::kJa4) = {"garbage"};
  p.of(FingerprintKind::kAkamai) = {"1:x|y|z|q"};
  p.of(FingerprintKind::kJa4t) = {"a_b_c"};
  const FeatureVector v = compute_features(wire_data_of(p));
  EXPECT_EQ(v.size(), feature_count());
  EXPECT_TRUE(std::isnan(feature(v, "ja4.version")));
  EXPECT_TRUE(std::isnan(feature(v, "h2.settings_count")));
  EXPECT_TRUE(std::isnan(feature(v, "tcp.mss")));
}

TEST(Features, AnObservationGivesTheProfilesVector) {
  Profile p = chrome_like();
  for (auto* list : {&p.ciphers, &p.extensions, &p.groups}) list->erase(list->begin());
  const Observation o = observation_of(p);
  const FeatureVector from_profile = compute_features(wire_data_of(p));
  const FeatureVector from_observation = compute_features(wire_data_of(o));
  EXPECT_EQ(feature(from_observation, "cipher.1303"), 1);
  EXPECT_EQ(feature(from_observation, "group.11ec"), 1);
  EXPECT_EQ(feature(from_observation, "h2.window_update"),
            feature(from_profile, "h2.window_update"));
  EXPECT_EQ(feature(from_observation, "ja4.cipher_count"), 15);
}

}  // namespace
}  // namespace fp::identify
