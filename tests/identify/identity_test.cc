// Identity assembly over the committed database: exact, similarity, unknown, and the model hook.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "identify/committed_profiles.h"
#include "identify/identity.h"

namespace fp::identify {
namespace {

std::vector<Profile> committed_profiles() { return test::committed_profiles(FP_SOURCE_DIR); }

const Identifier& identifier() {
  static const Identifier id(committed_profiles());
  return id;
}

const Profile& by_id(std::string_view id) {
  for (const Profile& p : identifier().index().profiles()) {
    if (p.id == id) return p;
  }
  throw std::runtime_error("no profile " + std::string(id));
}

std::string hex(const std::vector<uint16_t>& codes) {
  std::string out;
  char buf[8];
  for (uint16_t c : codes) {
    std::snprintf(buf, sizeof buf, "%s%04x", out.empty() ? "" : ",", c);
    out += buf;
  }
  return out;
}

// A JA4_r string from lists: GREASE, SNI and ALPN left out, ciphers and extensions sorted.
std::string ja4_r(std::string_view a, std::vector<uint16_t> ciphers, std::vector<uint16_t> exts,
                  const std::vector<uint16_t>& sig_algs) {
  const auto grease = [](uint16_t v) { return (v & 0x0f0f) == 0x0a0a; };
  std::erase_if(ciphers, grease);
  std::erase_if(exts, [&](uint16_t e) { return grease(e) || e == 0 || e == 0x10; });
  std::sort(ciphers.begin(), ciphers.end());
  std::sort(exts.begin(), exts.end());
  return std::string(a) + "_" + hex(ciphers) + "_" + hex(exts) + "_" + hex(sig_algs);
}

TEST(Identity, ChromeJa4IsAnExactChrome) {
  const Profile& chrome = by_id("lexiforest-chrome_131.0.6778.86");
  Observation o;
  o.of(FingerprintKind::kJa4) = chrome.of(FingerprintKind::kJa4).front();
  const Identity id = identifier().identify(o);
  ASSERT_TRUE(id.client);
  EXPECT_EQ(id.matched_by, MatchedBy::kExact);
  // Chrome and Edge share this JA4; Chrome has more evidence once Akamai is known.
  ASSERT_TRUE(id.tls_library);
  EXPECT_EQ(id.tls_library->name, "boringssl");
  o.of(FingerprintKind::kAkamai) = chrome.of(FingerprintKind::kAkamai).front();
  o.user_agent = chrome.user_agent;
  const Identity with_ua = identifier().identify(o);
  EXPECT_EQ(with_ua.client->name, "chrome");
  EXPECT_EQ(with_ua.client->kind, "browser");
  EXPECT_FALSE(with_ua.client->version.empty());
  EXPECT_GT(with_ua.client->confidence, 0.5);
  EXPECT_DOUBLE_EQ(*with_ua.consistency.score, 1.0);
}

TEST(Identity, UnseenChromeVersionIsFoundBySimilarity) {
  const Profile& chrome = by_id("lexiforest-chrome_131.0.6778.86");
  // A later Chrome: ALPS moved to its new code point, and SCT (0x0012) dropped.
  std::vector<uint16_t> exts = chrome.extensions;
  std::replace(exts.begin(), exts.end(), uint16_t{0x4469}, uint16_t{0x44cd});
  std::erase(exts, uint16_t{0x0012});
  const std::string raw = ja4_r("t13d1515h2", chrome.ciphers, exts, chrome.sig_algs);
  Observation o;
  ASSERT_TRUE(parse_ja4_raw(raw, o));
  ASSERT_TRUE(identifier().index().lookup(o).empty()) << "the variant is in the database";
  const Identity id = identifier().identify(o);
  ASSERT_TRUE(id.client);
  EXPECT_EQ(id.matched_by, MatchedBy::kSimilarity);
  EXPECT_TRUE(id.client->name == "chrome" || id.client->name == "edge") << id.client->name;
  ASSERT_TRUE(id.tls_library);
  EXPECT_EQ(id.tls_library->name, "boringssl");
  EXPECT_GE(id.quality, 0.9);
}

TEST(Identity, MadeUpHelloIsUnknown) {
  Observation o;
  ASSERT_TRUE(parse_ja4_raw("t12d0403h1_0004,0005,000a,0016_0001,0002,0003_0201,0202", o));
  const Identity id = identifier().identify(o);
  ASSERT_TRUE(id.client);
  EXPECT_EQ(id.client->name, "unknown");
  EXPECT_TRUE(id.client->kind.empty());
  EXPECT_FALSE(id.tls_library);
  EXPECT_EQ(id.matched_by, MatchedBy::kNone);
}

TEST(Identity, NothingVisibleIsNull) {
  const Identity id = identifier().identify(Observation{});
  EXPECT_FALSE(id.client);
  EXPECT_FALSE(id.tls_library);
  EXPECT_FALSE(id.os);
  EXPECT_FALSE(id.consistency.score);
}

TEST(Identity, P0fOsIsReported) {
  Observation o;
  o.p0f_os = "Linux";
  o.p0f_flavor = "2.2.x-3.x";
  const Identity id = identifier().identify(o);
  ASSERT_TRUE(id.os);
  EXPECT_EQ(id.os->name, "Linux");
  EXPECT_EQ(id.os->flavor, "2.2.x-3.x");
}

class FixedModel final : public IdentityModel {
 public:
  std::optional<Identity> classify(const Observation&) const override {
    Identity id;
    id.client = ClientGuess{"curl", "tool", "8", 0.7};
    return id;
  }
};

TEST(Identity, ModelFillsWhatMatchingLeavesOpen) {
  Identifier with_model(committed_profiles());
  const FixedModel model;
  with_model.set_model(&model);
  Observation o;
  ASSERT_TRUE(parse_ja4_raw("t12d0403h1_0004,0005,000a,0016_0001,0002,0003_0201,0202", o));
  const Identity id = with_model.identify(o);
  EXPECT_EQ(id.matched_by, MatchedBy::kModel);
  EXPECT_EQ(id.client->name, "curl");
}

}  // namespace
}  // namespace fp::identify
