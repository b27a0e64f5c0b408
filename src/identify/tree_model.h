#pragma once
// Internal: our own evaluator of XGBoost's JSON model format, so that classifying one row costs
// a walk down each tree instead of libxgboost's per-call DMatrix, configuration parsing and
// thread set-up (~98 us per identification). libxgboost still trains and writes models
// (classifier_xgb.h); this only reads what it writes.
//
// Accepted: the format of XGBoost 1.7's `XGBoosterSaveModelToBuffer(json)` with booster
// `gbtree`, objective `multi:softprob` and numeric splits. For tree t,
//   learner.gradient_booster.model.trees[t]: left_children, right_children (-1 on a leaf),
//     split_indices (feature), split_conditions (threshold; on a leaf, the leaf's value),
//     default_left (where a missing value goes); base_weights is not read: it is the leaf
//     weight before the learning rate, not what XGBoost adds up;
//   learner.gradient_booster.model.tree_info[t]: the class the tree votes for;
//   learner.learner_model_param: num_class, num_feature, base_score (strings).
// Prediction follows XGBoost's CPU predictor: NaN is missing and takes default_left; otherwise
// `x < threshold` goes left; each class's margin is base_score plus its trees' leaves, summed in
// float in tree order; probabilities are the softmax of the margins.
//
// Refused with a message, never a crash: text that is not JSON, a missing or mistyped field,
// another booster or objective, categorical splits or vector leaves, arrays of different
// lengths, a child index out of range, a node reached twice (a cycle or a shared child), a
// feature or class out of range, non-finite numbers, and models past the limits below.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fp::identify::detail {

// Limits on a model read from text; the committed client model is 0.75 MB, 1,360 trees,
// 4,482 nodes, 34 classes, 248 features.
inline constexpr size_t kMaxModelJsonBytes = size_t{256} << 20;
inline constexpr size_t kMaxTrees = size_t{1} << 20;
inline constexpr size_t kMaxTreeNodes = size_t{1} << 22;  // over all trees
inline constexpr size_t kMaxClasses = 4096;
inline constexpr size_t kMaxFeatures = size_t{1} << 16;
// Leaves and base_score (trained ones are below 100): no sum of kMaxTrees of them overflows a
// float, so the softmax never sees an infinity.
inline constexpr float kMaxAbsLeafValue = 1e30F;

class TreeModel {
 public:
  // nullopt with `error` ("tree model: tree 12: child 9 out of range") when the text is
  // refused. A default-constructed TreeModel has no class and predicts nothing.
  [[nodiscard]] static std::optional<TreeModel> from_json(std::string_view json,
                                                          std::string& error);

  [[nodiscard]] size_t class_count() const noexcept { return class_count_; }
  [[nodiscard]] size_t feature_count() const noexcept { return feature_count_; }
  [[nodiscard]] size_t tree_count() const noexcept { return trees_.size(); }

  // class_count() values for one row of at least feature_count() features (NaN = missing);
  // empty when the row is shorter.
  [[nodiscard]] std::vector<float> margins(std::span<const float> row) const;
  // The softmax of margins(): what XGBoost's predict gives for multi:softprob.
  [[nodiscard]] std::vector<float> predict(std::span<const float> row) const;

 private:
  friend class TreeModelBuilder;

  struct Node;  // below
  struct Tree {
    uint32_t root = 0;         // in nodes_
    uint32_t class_index = 0;  // the margin it adds to
  };

  [[nodiscard]] float leaf_of(uint32_t root, std::span<const float> row) const noexcept;

  std::vector<Node> nodes_;
  std::vector<Tree> trees_;  // in the model's order, which is the order XGBoost sums in
  size_t class_count_ = 0, feature_count_ = 0;
  float base_score_ = 0;
};

// One node, its children adjacent: `left` and `left + 1` index nodes_, always past the node
// itself, so a walk only goes forward and ends. `left` is 0 on a leaf (node 0 is tree 0's root,
// never anybody's child).
struct TreeModel::Node {
  float value = 0;  // threshold, or the leaf's value
  uint32_t left = 0;
  uint16_t feature = 0;
  bool default_left = false;
};

}  // namespace fp::identify::detail
