// The classifier on the committed profile database: deterministic, generalises to a held-out
// Chrome version, says `unknown` for a client it never saw, and survives save/load.
#include "identify/classifier.h"
#include "identify/classifier_model.h"
#include "identify/observation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fp::identify {
namespace {

std::vector<Profile> database() {
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(FP_SOURCE_DIR) + "/data/profiles")) {
    if (e.path().extension() == ".fpdb") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Profile> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (Profile& p : parse_profile_db(text).profiles) out.push_back(std::move(p));
  }
  return out;
}

bool is_chrome(const Profile& p, int major) {
  return client_class_of(p.name) == "chrome" && major_version(p.version) == major;
}

// Trained once without Chrome 120: every source's Chrome 120 profiles, and Edge 120 (the same
// class), are held out.
class ClassifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    all_ = new std::vector<Profile>(database());
    std::vector<Profile> train;
    for (const Profile& p : *all_) {
      if (!is_chrome(p, 120)) train.push_back(p);
    }
    std::string error;
    std::optional<Classifier> c = Classifier::train(train, TrainOptions{}, error);
    ASSERT_TRUE(c) << error;
    model_ = new Classifier(std::move(*c));
    train_ = new std::vector<Profile>(std::move(train));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete all_;
    delete train_;
  }
  static std::vector<Profile>* all_;
  static std::vector<Profile>* train_;
  static Classifier* model_;
};

std::vector<Profile>* ClassifierTest::all_ = nullptr;
std::vector<Profile>* ClassifierTest::train_ = nullptr;
Classifier* ClassifierTest::model_ = nullptr;

TEST_F(ClassifierTest, TrainingIsDeterministic) {
  std::string error;
  const std::optional<Classifier> again = Classifier::train(*train_, TrainOptions{}, error);
  ASSERT_TRUE(again) << error;
  const ModelFiles a = model_->save(), b = again->save();
  EXPECT_EQ(a.client_model, b.client_model);
  EXPECT_EQ(a.tls_model, b.tls_model);
  EXPECT_EQ(a.metadata, b.metadata);
  EXPECT_FALSE(a.client_model.empty());
}

TEST_F(ClassifierTest, AHeldOutChromeVersionIsChrome) {
  size_t held_out = 0;
  for (const Profile& p : *all_) {
    if (!is_chrome(p, 120)) continue;
    ++held_out;
    const ClassifierResult r = model_->classify(p);
    EXPECT_EQ(r.client, "chrome") << p.id << " " << r.client_confidence;
    EXPECT_EQ(r.tls_library, "boringssl") << p.id;
  }
  EXPECT_GT(held_out, 0U);
}

TEST_F(ClassifierTest, AMadeUpClientIsUnknown) {
  Profile p;  // TLS 1.0-era export ciphers and nothing else any source sends
  p.of(FingerprintKind::kJa4) = {"t10i030200_aaaaaaaaaaaa_bbbbbbbbbbbb"};
  p.ciphers = {0x0004, 0x0005, 0x000a};
  p.extensions = {0x000f, 0x3374};
  p.groups = {0x0019};
  p.sig_algs = {0x0202};
  const ClassifierResult r = model_->classify(p);
  EXPECT_EQ(r.client, kUnknown) << r.alternatives.front().name << " " << r.client_confidence;
}

TEST_F(ClassifierTest, SaveLoadRoundTrip) {
  const ModelFiles files = model_->save();
  std::string error;
  const std::optional<Classifier> loaded = Classifier::load(files, error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->client_labels(), model_->client_labels());
  EXPECT_EQ(loaded->tls_labels(), model_->tls_labels());
  for (size_t i = 0; i < all_->size(); i += 7) {
    const ClassifierResult a = model_->classify((*all_)[i]), b = loaded->classify((*all_)[i]);
    EXPECT_EQ(a.client, b.client);
    EXPECT_FLOAT_EQ(a.client_confidence, b.client_confidence);
    EXPECT_EQ(a.tls_library, b.tls_library);
    EXPECT_EQ(a.version_range, b.version_range);
  }
  EXPECT_EQ(loaded->save().metadata, files.metadata);
}

TEST_F(ClassifierTest, RefusesAnotherFeatureSchema) {
  ModelFiles files = model_->save();
  const size_t at = files.metadata.find("\"feature_schema\": ");
  ASSERT_NE(at, std::string::npos);
  files.metadata.replace(at, 19, "\"feature_schema\": 9");
  std::string error;
  EXPECT_FALSE(Classifier::load(files, error));
  EXPECT_NE(error.find("schema"), std::string::npos);
  EXPECT_FALSE(Classifier::load({"{}", "{}", "nonsense"}, error));
}

TEST_F(ClassifierTest, ServesAsTheIdentityModelHook) {
  const ClassifierModel hook(*model_);
  for (const Profile& p : *all_) {
    if (!is_chrome(p, 120) || p.ciphers.empty()) continue;
    const std::optional<Identity> id = hook.classify(observation_of(p));
    ASSERT_TRUE(id && id->client) << p.id;
    EXPECT_EQ(id->client->name, "chrome") << p.id;
    EXPECT_EQ(id->matched_by, MatchedBy::kModel);
    ASSERT_TRUE(id->tls_library);
    EXPECT_EQ(id->tls_library->name, "boringssl");
  }
}

TEST(ClientClass, ChromiumBrowsersAreOneClass) {
  EXPECT_EQ(client_class_of("edge"), "chrome");
  EXPECT_EQ(client_class_of("opera"), "chrome");
  EXPECT_EQ(client_class_of("firefox"), "firefox");
  EXPECT_EQ(major_version("131.0.6778.86"), 131);
  EXPECT_EQ(major_version("116-131"), 116);
  EXPECT_FALSE(major_version(""));
}

}  // namespace
}  // namespace fp::identify
