#include "server/model_rollout.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fp::server {
namespace {

Rollout canary() { return {{{"current", 90}, {"candidate", 10}}, "next"}; }

TEST(ModelRollout, ParsesArmsAndShadow) {
  std::string error;
  const auto r = parse_rollout(
      R"({"arms":[{"model":"current","weight":90},{"model":"candidate","weight":10}],)"
      R"("shadow":"next"})",
      error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(*r, canary());
}

TEST(ModelRollout, ShadowMayBeAbsentOrNull) {
  std::string error;
  for (const char* text : {R"({"arms":[{"model":"a","weight":1}]})",
                           R"({"arms":[{"model":"a","weight":1}],"shadow":null})"}) {
    const auto r = parse_rollout(text, error);
    ASSERT_TRUE(r) << text << ": " << error;
    EXPECT_EQ(*r, Rollout::single("a")) << text;
  }
}

TEST(ModelRollout, ErrorsNameTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "body"},
      {"[]", "body"},
      {R"({})", "arms"},
      {R"({"arms":[]})", "arms"},
      {R"({"arms":{}})", "arms"},
      {R"({"arms":[1]})", "arms[0]"},
      {R"({"arms":[{"weight":1}]})", "arms[0].model"},
      {R"({"arms":[{"model":"","weight":1}]})", "arms[0].model"},
      {R"({"arms":[{"model":"a"}]})", "arms[0].weight"},
      {R"({"arms":[{"model":"a","weight":0}]})", "arms[0].weight"},
      {R"({"arms":[{"model":"a","weight":-5}]})", "arms[0].weight"},
      {R"({"arms":[{"model":"a","weight":1.5}]})", "arms[0].weight"},
      {R"({"arms":[{"model":"a","weight":1000001}]})", "arms[0].weight"},
      {R"({"arms":[{"model":"a","weight":1},{"model":"a","weight":2}]})", "arms[1].model"},
      {R"({"arms":[{"model":"a","weight":1}],"shadow":"a"})", "shadow"},
      {R"({"arms":[{"model":"a","weight":1}],"shadow":7})", "shadow"},
  };
  for (const auto& [text, field] : cases) {
    std::string error;
    EXPECT_FALSE(parse_rollout(text, error)) << text;
    EXPECT_EQ(error.rfind(field + ":", 0), 0u) << text << " -> " << error;
  }
}

TEST(ModelRollout, AtMostEightArms) {
  std::string text = R"({"arms":[)";
  for (int i = 0; i < 9; ++i) {
    text += (i ? "," : "") + std::string(R"({"model":"m)") + std::to_string(i) + R"(","weight":1})";
  }
  text += "]}";
  std::string error;
  EXPECT_FALSE(parse_rollout(text, error));
}

TEST(ModelRollout, JsonRoundTrips) {
  for (const Rollout& r : {canary(), Rollout::single("builtin")}) {
    std::string error;
    const auto back = parse_rollout(rollout_json(r), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, r);
  }
}

TEST(ModelRollout, PrimaryIsTheHeaviestArm) {
  EXPECT_EQ(canary().primary(), "current");
  EXPECT_EQ((Rollout{{{"small", 1}, {"big", 3}}, {}}).primary(), "big");
  EXPECT_EQ((Rollout{{{"first", 5}, {"second", 5}}, {}}).primary(), "first");
  EXPECT_EQ(Rollout{}.primary(), "");
}

TEST(ModelRollout, OneArmTakesEverything) {
  const Rollout r = Rollout::single("a");
  for (const char* key : {"", "x", "another key"}) EXPECT_EQ(pick_arm(r, key), 0u);
}

TEST(ModelRollout, ArmIsStablePerKey) {
  const Rollout r = canary();
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "client-" + std::to_string(i);
    EXPECT_EQ(pick_arm(r, key), pick_arm(r, std::string(key)));
  }
}

TEST(ModelRollout, SharesFollowWeights) {
  const Rollout r{{{"a", 70}, {"b", 20}, {"c", 10}}, {}};
  std::vector<int> counts(3);
  const int n = 100000;
  // Keys that differ in one character, as the identity cache keys of similar clients do.
  for (int i = 0; i < n; ++i) ++counts.at(pick_arm(r, "t13d1516h2_" + std::to_string(i)));
  EXPECT_NEAR(counts[0] / double(n), 0.70, 0.01);
  EXPECT_NEAR(counts[1] / double(n), 0.20, 0.01);
  EXPECT_NEAR(counts[2] / double(n), 0.10, 0.01);
}

}  // namespace
}  // namespace fp::server
