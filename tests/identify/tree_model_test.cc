// Our evaluator of XGBoost JSON models against libxgboost's own predict, on the committed models
// with every committed profile's features and random rows; against a two-tree model worked out
// by hand; and on malformed models, which must be refused with a message.
#include "identify/tree_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "identify/classifier.h"
#include "identify/classifier_xgb.h"
#include "identify/committed_profiles.h"
#include "identify/features.h"

namespace fp::identify::detail {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kTolerance = 1e-5F;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string committed_model(const std::string& name) {
  return read_text(std::filesystem::path(FP_SOURCE_DIR) / "data" / "models" / name);
}

// --- A model small enough to evaluate by hand -------------------------------------------------

struct TreeText {
  std::string left, right, features, conditions, default_left;
  std::string extra;  // more members, with a leading comma
};

// Tree 0 (class 0). Node order is not breadth-first on purpose (the left child of the root is
// node 2), and base_weights differ from the leaves so that reading them would show.
//   node 0: f0 < 1.5, missing left  -> node 2 | node 1
//   node 1: f2 < -0.5, missing right -> node 3 | node 4
//   node 2: leaf 0.4;  node 3: leaf -0.2;  node 4: leaf 0.3
TreeText tree0() {
  return {"[2,3,-1,-1,-1]",          "[1,4,-1,-1,-1]", "[0,2,0,0,0]",
          "[1.5,-0.5,0.4,-0.2,0.3]", "[1,0,0,0,0]",    ""};
}

// Tree 1 (class 1).
//   node 0: f1 < 0, missing left -> node 1 | node 2
//   node 1: leaf -0.1;  node 2: leaf 0.6
TreeText tree1() { return {"[1,-1,-1]", "[2,-1,-1]", "[1,0,0]", "[0,-0.1,0.6]", "[1,0,0]", ""}; }

std::string tree_json(const TreeText& t) {
  return R"({"left_children":)" + t.left + R"(,"right_children":)" + t.right +
         R"(,"split_indices":)" + t.features + R"(,"split_conditions":)" + t.conditions +
         R"(,"default_left":)" + t.default_left +
         R"(,"base_weights":[9,9,9,9,9,9,9],"split_type":[0,0,0,0,0])" + t.extra + "}";
}

struct ModelText {
  std::vector<TreeText> trees{tree0(), tree1()};
  std::string tree_info = "[0,1]";
  std::string num_class = R"("2")", num_feature = R"("3")", base_score = R"("5E-1")";
  std::string objective = "multi:softprob", booster = "gbtree";
};

std::string model_json(const ModelText& m) {
  std::string trees;
  for (const TreeText& t : m.trees) trees += (trees.empty() ? "" : ",") + tree_json(t);
  return R"({"learner":{"gradient_booster":{"model":{"trees":[)" + trees + R"(],"tree_info":)" +
         m.tree_info + R"(},"name":")" + m.booster + R"("},"learner_model_param":{"base_score":)" +
         m.base_score + R"(,"num_class":)" + m.num_class + R"(,"num_feature":)" + m.num_feature +
         R"(,"num_target":"1"},"objective":{"name":")" + m.objective + R"("}}})";
}

TreeModel hand_model() {
  std::string error;
  std::optional<TreeModel> model = TreeModel::from_json(model_json(ModelText{}), error);
  EXPECT_TRUE(model) << error;
  return model ? std::move(*model) : TreeModel{};
}

void expect_near_all(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << "class " << i;
}

TEST(TreeModelHand, ReadsTheShape) {
  const TreeModel m = hand_model();
  EXPECT_EQ(m.class_count(), 2U);
  EXPECT_EQ(m.feature_count(), 3U);
  EXPECT_EQ(m.tree_count(), 2U);
}

// Margins are base_score 0.5 plus the leaf each tree reaches; p0 = 1 / (1 + e^(m1 - m0)).
TEST(TreeModelHand, WorkedExamples) {
  const TreeModel m = hand_model();
  // [1, 5, 0]: tree 0: 1 < 1.5 -> node 2 = 0.4; tree 1: 5 >= 0 -> node 2 = 0.6.
  // margins 0.9, 1.1; e^0.2 = 1.221403, p0 = 1 / 2.221403 = 0.450166.
  expect_near_all(m.margins(std::vector<float>{1, 5, 0}), {0.9F, 1.1F});
  expect_near_all(m.predict(std::vector<float>{1, 5, 0}), {0.450166F, 0.549834F});
  // All missing: tree 0 defaults left -> 0.4; tree 1 defaults left -> -0.1.
  // margins 0.9, 0.4; e^-0.5 = 0.606531, p0 = 1 / 1.606531 = 0.622459.
  expect_near_all(m.margins(std::vector<float>{kNaN, kNaN, kNaN}), {0.9F, 0.4F});
  expect_near_all(m.predict(std::vector<float>{kNaN, kNaN, kNaN}), {0.622459F, 0.377541F});
  // [2, -1, -0.5]: tree 0: 2 >= 1.5 -> node 1: -0.5 < -0.5 is false -> node 4 = 0.3;
  // tree 1: -1 < 0 -> -0.1. margins 0.8, 0.4; e^-0.4 = 0.670320, p0 = 0.598688.
  expect_near_all(m.margins(std::vector<float>{2, -1, -0.5F}), {0.8F, 0.4F});
  expect_near_all(m.predict(std::vector<float>{2, -1, -0.5F}), {0.598688F, 0.401312F});
  // [1.5, 0, NaN]: tree 0: 1.5 < 1.5 is false -> node 1: missing defaults right -> 0.3;
  // tree 1: 0 < 0 is false -> 0.6. margins 0.8, 1.1; e^0.3 = 1.349859, p0 = 0.425557.
  expect_near_all(m.predict(std::vector<float>{1.5F, 0, kNaN}), {0.425557F, 0.574443F});
  // [2, 0, -7]: tree 0: -> node 1: -7 < -0.5 -> node 3 = -0.2; tree 1: 0.6.
  // margins 0.3, 1.1; e^0.8 = 2.225541, p0 = 1 / 3.225541 = 0.310026.
  expect_near_all(m.predict(std::vector<float>{2, 0, -7}), {0.310026F, 0.689974F});
}

TEST(TreeModelHand, ExtraColumnsAreIgnoredAndShortRowsRefused) {
  const TreeModel m = hand_model();
  expect_near_all(m.predict(std::vector<float>{1, 5, 0, 99}), {0.450166F, 0.549834F});
  EXPECT_TRUE(m.predict(std::vector<float>{1, 5}).empty());
  EXPECT_TRUE(m.margins(std::vector<float>{}).empty());
}

TEST(TreeModelHand, TreeInfoChoosesTheClass) {
  ModelText text;
  text.tree_info = "[1,0]";  // tree 0 now adds to class 1, tree 1 to class 0
  std::string error;
  const std::optional<TreeModel> m = TreeModel::from_json(model_json(text), error);
  ASSERT_TRUE(m) << error;
  // [1, 5, 0]: class 1 gets tree 0's 0.4, class 0 tree 1's 0.6.
  expect_near_all(m->margins(std::vector<float>{1, 5, 0}), {1.1F, 0.9F});
}

// --- Refusals ---------------------------------------------------------------------------------

std::string refusal(const std::string& json) {
  std::string error;
  const std::optional<TreeModel> m = TreeModel::from_json(json, error);
  EXPECT_FALSE(m) << json;
  EXPECT_FALSE(error.empty()) << json;
  return error;
}

std::string refusal(const ModelText& text) { return refusal(model_json(text)); }

ModelText with_tree0(TreeText t) {
  ModelText m;
  m.trees[0] = std::move(t);
  return m;
}

TEST(TreeModelRefuses, TextThatIsNotAModel) {
  EXPECT_NE(refusal("").find("not JSON"), std::string::npos);
  EXPECT_NE(refusal("{").find("not JSON"), std::string::npos);
  const std::string deep = std::string(100, '[') + std::string(100, ']');  // past Boost's 32
  EXPECT_NE(refusal(deep).find("not JSON"), std::string::npos);
  refusal("null");
  refusal("[]");
  refusal(R"({"learner":[]})");
  refusal(R"({"learner":{}})");
}

TEST(TreeModelRefuses, OtherObjectivesAndBoosters) {
  ModelText m;
  m.objective = "binary:logistic";
  EXPECT_NE(refusal(m).find("multi:softprob"), std::string::npos);
  m = ModelText{};
  m.objective = "multi:softmax";  // predicts a class index, not probabilities
  refusal(m);
  m = ModelText{};
  m.booster = "dart";
  EXPECT_NE(refusal(m).find("gbtree"), std::string::npos);
}

TEST(TreeModelRefuses, BadParameters) {
  for (const char* bad : {R"("0")", R"("x")", "2", R"("-1")", R"("4097")", R"("2 ")"}) {
    ModelText m;
    m.num_class = bad;
    EXPECT_NE(refusal(m).find("num_class"), std::string::npos) << bad;
  }
  for (const char* bad : {R"("0")", R"("")", R"("65537")"}) {
    ModelText m;
    m.num_feature = bad;
    EXPECT_NE(refusal(m).find("num_feature"), std::string::npos) << bad;
  }
  for (const char* bad : {R"("abc")", R"("inf")", R"("nan")", "0.5", R"("1e40")"}) {
    ModelText m;
    m.base_score = bad;
    EXPECT_NE(refusal(m).find("base_score"), std::string::npos) << bad;
  }
}

TEST(TreeModelRefuses, TreeInfoThatDoesNotFit) {
  ModelText m;
  m.tree_info = "[0]";
  EXPECT_NE(refusal(m).find("differ in length"), std::string::npos);
  m.tree_info = "[0,2]";  // two classes: 0 and 1
  EXPECT_NE(refusal(m).find("tree 1: tree_info"), std::string::npos);
  m.tree_info = "[0,-1]";
  refusal(m);
  m.tree_info = R"([0,"1"])";
  refusal(m);
}

TEST(TreeModelRefuses, MissingArrays) {
  TreeText t = tree0();
  const std::string json = model_json(with_tree0(t));
  for (const char* key :
       {"left_children", "right_children", "split_indices", "split_conditions", "default_left"}) {
    std::string broken = json;
    const size_t at = broken.find(key);
    broken.replace(at, std::string(key).size(), "renamed");
    EXPECT_NE(refusal(broken).find("tree 0: a node array is missing"), std::string::npos) << key;
  }
  t.left = "{}";  // an object where an array belongs
  refusal(with_tree0(t));
}

TEST(TreeModelRefuses, WrongLengths) {
  TreeText t = tree0();
  t.features = "[0,2,0,0]";
  EXPECT_NE(refusal(with_tree0(t)).find("differ in length"), std::string::npos);
  t = tree0();
  t.default_left = "[1,0,0,0,0,0]";
  refusal(with_tree0(t));
  t = {"[]", "[]", "[]", "[]", "[]", ""};
  EXPECT_NE(refusal(with_tree0(t)).find("no nodes"), std::string::npos);
}

TEST(TreeModelRefuses, ChildrenOutOfRange) {
  TreeText t = tree0();
  t.left = "[2,5,-1,-1,-1]";  // five nodes: 0 to 4
  EXPECT_NE(refusal(with_tree0(t)).find("child 5 out of range"), std::string::npos);
  t.left = "[2,-2,-1,-1,-1]";
  refusal(with_tree0(t));
  t.left = "[2,3,-1,-1,-1]";
  t.right = "[1,4,-1,-1,99999999999]";  // on a leaf: one child set, the other -1
  refusal(with_tree0(t));
  t.right = "[1,4,-1,-1,-1]";
  t.left = "[2,3.5,-1,-1,-1]";
  refusal(with_tree0(t));
}

TEST(TreeModelRefuses, CyclesAndSharedChildren) {
  TreeText t = tree0();
  t.left = "[2,0,-1,-1,-1]";  // node 1 points back at the root
  EXPECT_NE(refusal(with_tree0(t)).find("reached twice"), std::string::npos);
  t.left = "[2,1,-1,-1,-1]";  // node 1 is its own child
  EXPECT_NE(refusal(with_tree0(t)).find("reached twice"), std::string::npos);
  t.left = "[2,4,-1,-1,-1]";  // node 4 is node 1's left and right child
  EXPECT_NE(refusal(with_tree0(t)).find("reached twice"), std::string::npos);
  t.left = "[2,3,-1,-1,1]";  // leaf 4 made a split whose children loop back to node 1
  t.right = "[1,4,-1,-1,3]";
  refusal(with_tree0(t));
}

TEST(TreeModelRefuses, BadSplitsAndValues) {
  TreeText t = tree0();
  t.features = "[0,3,0,0,0]";  // three features: 0 to 2
  EXPECT_NE(refusal(with_tree0(t)).find("split feature out of range"), std::string::npos);
  t.features = "[0,-1,0,0,0]";
  refusal(with_tree0(t));
  t = tree0();
  t.default_left = "[2,0,0,0,0]";
  EXPECT_NE(refusal(with_tree0(t)).find("default_left"), std::string::npos);
  t = tree0();
  t.conditions = "[1.5,-0.5,0.4,1e300,0.3]";  // not a float
  refusal(with_tree0(t));
  t.conditions = R"([1.5,-0.5,0.4,"0.2",0.3])";
  refusal(with_tree0(t));
  t.conditions = "[1.5,-0.5,0.4,null,0.3]";
  refusal(with_tree0(t));
  t.conditions = "[1.5,-0.5,0.4,1e31,0.3]";  // a finite float, but past kMaxAbsLeafValue
  EXPECT_NE(refusal(with_tree0(t)).find("kMaxAbsLeafValue"), std::string::npos);
  t.conditions = "[1e31,-0.5,0.4,-0.2,0.3]";  // a threshold may be that large
  std::string error;
  EXPECT_TRUE(TreeModel::from_json(model_json(with_tree0(t)), error)) << error;
}

TEST(TreeModelRefuses, CategoricalSplitsAndVectorLeaves) {
  TreeText t = tree0();
  std::string json = model_json(with_tree0(t));
  json.replace(json.find(R"("split_type":[0,0,0,0,0])"), 24, R"("split_type":[0,1,0,0,0])");
  EXPECT_NE(refusal(json).find("categorical"), std::string::npos);
  t.extra = R"(,"tree_param":{"size_leaf_vector":"2"})";
  EXPECT_NE(refusal(with_tree0(t)).find("vector leaves"), std::string::npos);
}

// --- Against libxgboost -----------------------------------------------------------------------

// Our probabilities equal libxgboost's within kTolerance for every class of every row.
void expect_same_as_xgboost(const std::string& json, const std::vector<FeatureVector>& rows,
                            const std::string& what) {
  std::string error;
  const std::optional<TreeModel> ours = TreeModel::from_json(json, error);
  ASSERT_TRUE(ours) << what << ": " << error;
  Booster xgb;
  ASSERT_TRUE(xgb.load_json(json, error)) << what << ": " << error;
  ASSERT_FALSE(rows.empty());
  const size_t cols = rows.front().size();
  std::vector<float> flat;
  for (const FeatureVector& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  const std::vector<float> theirs = xgb.predict(flat, cols);
  const size_t classes = ours->class_count();
  ASSERT_EQ(theirs.size(), rows.size() * classes) << what;
  size_t mismatches = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::vector<float> p = ours->predict(rows[r]);
    ASSERT_EQ(p.size(), classes);
    for (size_t c = 0; c < classes; ++c) {
      if (std::fabs(p[c] - theirs[r * classes + c]) > kTolerance && ++mismatches <= 5) {
        ADD_FAILURE() << what << " row " << r << " class " << c << ": ours " << p[c]
                      << ", libxgboost " << theirs[r * classes + c];
      }
    }
  }
  EXPECT_EQ(mismatches, 0U) << what;
}

std::vector<FeatureVector> profile_rows() {
  std::vector<FeatureVector> rows;
  for (const Profile& p : test::committed_profiles(FP_SOURCE_DIR)) {
    rows.push_back(compute_features(wire_data_of(p)));
  }
  return rows;
}

// Random rows built from real ones: each value is missing, another profile's value of the same
// feature, a half-integer (XGBoost's exact splits sit half-way between integers, so values
// land on thresholds and test `<` against `<=`), or anything.
std::vector<FeatureVector> random_rows(const std::vector<FeatureVector>& real, size_t count,
                                       double missing, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<size_t> pick(0, real.size() - 1);
  std::uniform_int_distribution<int> half(-4, 80);
  std::uniform_real_distribution<float> any(-100000, 100000);
  std::vector<FeatureVector> rows;
  for (size_t r = 0; r < count; ++r) {
    FeatureVector row(real.front().size());
    for (size_t f = 0; f < row.size(); ++f) {
      const double u = unit(rng);
      if (u < missing) {
        row[f] = kNaN;
      } else if (u < missing + (1 - missing) * 0.5) {
        row[f] = real[pick(rng)][f];
      } else if (u < missing + (1 - missing) * 0.8) {
        row[f] = static_cast<float>(half(rng)) * 0.5F;
      } else {
        row[f] = any(rng);
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class CommittedModel : public ::testing::TestWithParam<const char*> {};

TEST_P(CommittedModel, EveryProfileRowMatchesLibxgboost) {
  const std::vector<FeatureVector> rows = profile_rows();
  ASSERT_GT(rows.size(), 100U);
  ASSERT_EQ(rows.front().size(), feature_count());
  expect_same_as_xgboost(committed_model(GetParam()), rows, GetParam());
}

TEST_P(CommittedModel, RandomRowsMatchLibxgboost) {
  const std::vector<FeatureVector> real = profile_rows();
  expect_same_as_xgboost(committed_model(GetParam()), random_rows(real, 2000, 0.1, 1),
                         std::string(GetParam()) + " mostly present");
  expect_same_as_xgboost(committed_model(GetParam()), random_rows(real, 2000, 0.7, 2),
                         std::string(GetParam()) + " NaN-heavy");
  std::vector<FeatureVector> edge = {FeatureVector(feature_count(), kNaN),
                                     FeatureVector(feature_count(), 0.0F),
                                     FeatureVector(feature_count(), -1.0F)};
  expect_same_as_xgboost(committed_model(GetParam()), edge, std::string(GetParam()) + " edges");
}

INSTANTIATE_TEST_SUITE_P(DataModels, CommittedModel,
                         ::testing::Values("client.json", "tls_library.json"));

// A model trained here on random data with many missing values, deeper than the committed
// ones, so both default directions and long paths occur.
TEST(TreeModelXgboost, FreshlyTrainedDeepModelMatches) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-5, 5);
  std::uniform_real_distribution<double> unit(0, 1);
  constexpr size_t kRows = 400, kCols = 12;
  std::vector<float> data, labels;
  for (size_t r = 0; r < kRows; ++r) {
    float sum = 0;
    for (size_t c = 0; c < kCols; ++c) {
      const float v = unit(rng) < 0.4 ? kNaN : value(rng);
      data.push_back(v);
      if (!std::isnan(v)) sum += v * static_cast<float>(c % 3);
    }
    labels.push_back(static_cast<float>(static_cast<int>(std::fabs(sum)) % 4));
  }
  Booster trained;
  std::string error;
  ASSERT_TRUE(trained.train(data, kCols, labels, 4, BoosterParams{3, 25, 8, 0.3}, error)) << error;
  std::vector<FeatureVector> rows;
  for (size_t r = 0; r < kRows; ++r) {
    rows.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(r * kCols),
                      data.begin() + static_cast<std::ptrdiff_t>((r + 1) * kCols));
  }
  for (size_t r = 0; r < 400; ++r) {
    FeatureVector row(kCols);
    for (float& v : row) v = unit(rng) < 0.5 ? kNaN : value(rng);
    rows.push_back(std::move(row));
  }
  expect_same_as_xgboost(trained.save_json(), rows, "trained here");
}

// --- Through Classifier ----------------------------------------------------------------------

ModelFiles committed_files() {
  return {committed_model("client.json"), committed_model("tls_library.json"),
          committed_model("metadata.json")};
}

float top(const std::vector<float>& probabilities, size_t row, size_t classes) {
  const auto first = probabilities.begin() + static_cast<std::ptrdiff_t>(row * classes);
  return *std::max_element(first, first + static_cast<std::ptrdiff_t>(classes));
}

// classify() reports the top probability of each model: libxgboost's, within kTolerance.
TEST(ClassifierPredictsWithTreeModel, ConfidencesAreLibxgboosts) {
  std::string error;
  const std::optional<Classifier> classifier = Classifier::load(committed_files(), error);
  ASSERT_TRUE(classifier) << error;
  Booster client, tls;
  ASSERT_TRUE(client.load_json(committed_model("client.json"), error)) << error;
  ASSERT_TRUE(tls.load_json(committed_model("tls_library.json"), error)) << error;
  const std::vector<FeatureVector> rows = profile_rows();
  std::vector<float> flat;
  for (const FeatureVector& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  const std::vector<float> client_p = client.predict(flat, feature_count());
  const std::vector<float> tls_p = tls.predict(flat, feature_count());
  const size_t clients = classifier->client_labels().size(), libs = classifier->tls_labels().size();
  ASSERT_EQ(client_p.size(), rows.size() * clients);
  ASSERT_EQ(tls_p.size(), rows.size() * libs);
  for (size_t r = 0; r < rows.size(); ++r) {
    const ClassifierResult result = classifier->classify(rows[r]);
    ASSERT_NEAR(result.client_confidence, top(client_p, r, clients), kTolerance) << "row " << r;
    ASSERT_NEAR(result.tls_confidence, top(tls_p, r, libs), kTolerance) << "row " << r;
  }
}

// The client and TLS models swapped: each loads, but its classes are not the metadata's labels.
TEST(ClassifierPredictsWithTreeModel, RefusesAModelWithOtherClasses) {
  ModelFiles files = committed_files();
  std::swap(files.client_model, files.tls_model);
  std::string error;
  EXPECT_FALSE(Classifier::load(files, error));
  EXPECT_NE(error.find("8 classes, metadata 33 labels"), std::string::npos) << error;
}

}  // namespace
}  // namespace fp::identify::detail
