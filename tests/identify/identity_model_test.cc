// Identity with the real trained classifier (data/models) as the model stage: what it names when
// exact lookup and similarity cannot decide, and how a TLS-library-only answer reaches the output.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "identify/classifier.h"
#include "identify/classifier_model.h"
#include "identify/committed_profiles.h"
#include "identify/identity.h"

namespace fp::identify {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<Profile> committed_profiles() { return test::committed_profiles(FP_SOURCE_DIR); }

// Never freed: a Booster freed after main() returns (static destruction) crashes inside
// libxgboost, whose own statics are gone by then.
const Classifier& trained() {
  static const Classifier* model = [] {
    const fs::path dir = fs::path(FP_SOURCE_DIR) / "data/models";
    const ModelFiles files{read_text(dir / "client.json"), read_text(dir / "tls_library.json"),
                           read_text(dir / "metadata.json")};
    std::string error;
    std::optional<Classifier> c = Classifier::load(files, error);
    if (!c) throw std::runtime_error("data/models does not load: " + error);
    return new Classifier(std::move(*c));
  }();
  return *model;
}

// Exact lookup and similarity never decide (no quality reaches 2): only the model can name.
const Identifier& model_only() {
  static const ClassifierModel model(trained());
  static const std::unique_ptr<Identifier> id = [] {
    auto out = std::make_unique<Identifier>(
        committed_profiles(), IdentifyOptions{.client_quality = 2.0, .library_quality = 2.0});
    out->set_model(&model);
    return out;
  }();
  return *id;
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

// The profile's hello as a JA4_r string with its last signature algorithm dropped: the JA4
// (hashed with the signature algorithms) is one no profile lists, and no other fingerprint is
// given, so exact lookup finds nothing.
Observation modified_ja4_r(const Profile& p) {
  const auto grease = [](uint16_t v) { return (v & 0x0f0f) == 0x0a0a; };
  std::vector<uint16_t> ciphers = p.ciphers, exts = p.extensions, sigs = p.sig_algs;
  std::erase_if(ciphers, grease);
  std::erase_if(exts, [&](uint16_t e) { return grease(e) || e == 0 || e == 0x10; });
  std::erase_if(sigs, grease);
  std::sort(ciphers.begin(), ciphers.end());
  std::sort(exts.begin(), exts.end());
  if (!sigs.empty()) sigs.pop_back();
  const std::string a = p.of(FingerprintKind::kJa4).front().substr(0, 10);
  Observation o;
  if (!parse_ja4_raw(a + "_" + hex(ciphers) + "_" + hex(exts) + "_" + hex(sigs), o)) {
    throw std::runtime_error("bad JA4_r for " + p.id);
  }
  return o;
}

std::vector<const Profile*> tls_profiles() {
  std::vector<const Profile*> out;
  for (const Profile& p : model_only().index().profiles()) {
    if (!p.name.empty() && !p.ciphers.empty() && !p.sig_algs.empty() &&
        !p.of(FingerprintKind::kJa4).empty()) {
      out.push_back(&p);
    }
  }
  return out;
}

const Profile& by_id(std::string_view id) {
  for (const Profile& p : model_only().index().profiles()) {
    if (p.id == id) return p;
  }
  throw std::runtime_error("no profile " + std::string(id));
}

// Browsers (the classes the model card measures): with their exact fingerprints gone, the model
// names the right class or says unknown, never another name. (Apps on a browser's stack, such as
// okhttp, do come out as `chrome`: docs/model-card.md "What it cannot tell apart".)
TEST(IdentityModel, BrowserWithoutExactFingerprintsIsNamedRightOrUnknown) {
  size_t named = 0, browsers = 0;
  for (const Profile* p : tls_profiles()) {
    const std::string_view want = client_class_of(p->name);
    if (want != "chrome" && want != "firefox" && want != "safari") continue;
    ++browsers;
    const Identity id = model_only().identify(modified_ja4_r(*p));
    ASSERT_NE(id.matched_by, MatchedBy::kExact) << p->id;
    ASSERT_TRUE(id.client) << p->id;
    if (id.client->name == "unknown") {
      EXPECT_NE(id.matched_by, MatchedBy::kModel) << p->id;
      continue;
    }
    ++named;
    EXPECT_EQ(id.matched_by, MatchedBy::kModel) << p->id;
    EXPECT_EQ(id.client->name, want) << p->id << " named " << id.client->name;
    EXPECT_EQ(id.client->kind, "browser") << p->id;
    EXPECT_GE(id.client->confidence, 0.6) << p->id;
  }
  EXPECT_GT(browsers, 50U);
  EXPECT_GT(named, browsers / 2);  // the model does answer for most of them
  const Identity chrome =
      model_only().identify(modified_ja4_r(by_id("lexiforest-chrome_131.0.6778.86")));
  ASSERT_TRUE(chrome.client);
  EXPECT_EQ(chrome.client->name, "chrome");
  EXPECT_EQ(chrome.matched_by, MatchedBy::kModel);
  ASSERT_TRUE(chrome.tls_library);
  EXPECT_EQ(chrome.tls_library->name, "boringssl");
}

// curl's hello without its exact fingerprints: the model does not name the client, but its TLS
// library is reported.
TEST(IdentityModel, UnknownClientKeepsTheModelsTlsLibrary) {
  const Profile& curl = by_id("capture-curl");
  const Identity id = model_only().identify(modified_ja4_r(curl));
  ASSERT_TRUE(id.client);
  EXPECT_EQ(id.client->name, "unknown");
  EXPECT_NE(id.matched_by, MatchedBy::kModel);
  EXPECT_TRUE(id.alternatives.empty());
  ASSERT_TRUE(id.tls_library);
  EXPECT_EQ(id.tls_library->name, curl.tls_library);
  EXPECT_GE(id.tls_library->confidence, 0.6);
}

class LibraryOnlyModel final : public IdentityModel {
 public:
  std::optional<Identity> classify(const Observation&) const override {
    Identity id;
    id.tls_library = NamedGuess{"openssl", 0.8};
    id.alternatives.push_back({"curl", 0.3});
    return id;
  }
};

TEST(IdentityModel, LibraryOnlyAnswerKeepsTlsLibrary) {
  Identifier identifier(committed_profiles());
  const LibraryOnlyModel model;
  identifier.set_model(&model);
  Observation o;
  ASSERT_TRUE(parse_ja4_raw("t12d0403h1_0004,0005,000a,0016_0001,0002,0003_0201,0202", o));
  const Identity id = identifier.identify(o);
  ASSERT_TRUE(id.client);
  EXPECT_EQ(id.client->name, "unknown");
  EXPECT_EQ(id.matched_by, MatchedBy::kNone);
  EXPECT_TRUE(id.alternatives.empty());
  ASSERT_TRUE(id.tls_library);
  EXPECT_EQ(id.tls_library->name, "openssl");
  EXPECT_DOUBLE_EQ(id.tls_library->confidence, 0.8);
}

}  // namespace
}  // namespace fp::identify
