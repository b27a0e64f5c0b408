// Reading XGBoost's JSON into flat node arrays, and walking them. Boost.JSON reads the text;
// every field is checked before use, so a hostile model is refused instead of walked.
#include "identify/tree_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace fp::identify::detail {
namespace {

namespace json = boost::json;

const json::value* member(const json::object& object, std::string_view key) {
  return object.if_contains(json::string_view(key.data(), key.size()));
}

const json::object* object_at(const json::object& object, std::string_view key) {
  const json::value* v = member(object, key);
  return v == nullptr ? nullptr : v->if_object();
}

const json::array* array_at(const json::object& object, std::string_view key) {
  const json::value* v = member(object, key);
  return v == nullptr ? nullptr : v->if_array();
}

std::optional<std::string_view> string_at(const json::object& object, std::string_view key) {
  const json::value* v = member(object, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string().data(), v->get_string().size());
}

// XGBoost writes its model parameters as strings: "34", "5E-1".
template <typename T>
std::optional<T> number_in(std::string_view text) {
  T out{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

std::optional<int64_t> integer_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= uint64_t{std::numeric_limits<int64_t>::max()}) {
    return static_cast<int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

// A finite float: XGBoost stores thresholds and leaves as float and prints them so that they
// read back exactly; a double rounded to float gives that float back.
std::optional<float> float_of(const json::value& v) {
  double d = 0;
  if (v.is_double()) {
    d = v.get_double();
  } else if (const std::optional<int64_t> i = integer_of(v)) {
    d = static_cast<double>(*i);
  } else {
    return std::nullopt;
  }
  const auto f = static_cast<float>(d);
  if (!std::isfinite(d) || !std::isfinite(f)) return std::nullopt;
  return f;
}

std::optional<bool> flag_of(const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  const std::optional<int64_t> i = integer_of(v);
  if (!i || (*i != 0 && *i != 1)) return std::nullopt;
  return *i == 1;
}

// The arrays of one tree, all of the same length.
struct TreeArrays {
  const json::array *left = nullptr, *right = nullptr, *feature = nullptr, *value = nullptr,
                    *default_left = nullptr;
  size_t size = 0;
};

}  // namespace

// Fills a TreeModel from the parsed document; the first problem ends the build.
class TreeModelBuilder {
 public:
  TreeModelBuilder(TreeModel& model, std::string& error) : model_(model), error_(error) {}

  bool build(const json::value& document) {
    const json::object* root = document.if_object();
    const json::object* learner = root == nullptr ? nullptr : object_at(*root, "learner");
    if (learner == nullptr) return fail("no learner object");
    if (!read_objective(*learner) || !read_params(*learner)) return false;
    const json::object* booster = object_at(*learner, "gradient_booster");
    if (booster == nullptr) return fail("no gradient_booster object");
    if (string_at(*booster, "name") != "gbtree") return fail("booster is not gbtree");
    const json::object* model = object_at(*booster, "model");
    if (model == nullptr) return fail("no gradient_booster.model object");
    return read_trees(*model);
  }

 private:
  bool fail(std::string message) {
    error_ = "tree model: " + std::move(message);
    return false;
  }
  bool fail_tree(size_t tree, const std::string& message) {
    return fail("tree " + std::to_string(tree) + ": " + message);
  }

  bool read_objective(const json::object& learner) {
    const json::object* objective = object_at(learner, "objective");
    if (objective == nullptr) return fail("no objective object");
    if (string_at(*objective, "name") != "multi:softprob") {
      return fail("objective is not multi:softprob");
    }
    return true;
  }

  bool read_params(const json::object& learner) {
    const json::object* params = object_at(learner, "learner_model_param");
    if (params == nullptr) return fail("no learner_model_param object");
    const auto count = [&](std::string_view key) -> std::optional<size_t> {
      const std::optional<std::string_view> text = string_at(*params, key);
      return text ? number_in<size_t>(*text) : std::nullopt;
    };
    const std::optional<size_t> classes = count("num_class");
    const std::optional<size_t> features = count("num_feature");
    if (!classes || *classes < 1 || *classes > kMaxClasses) return fail("bad num_class");
    if (!features || *features < 1 || *features > kMaxFeatures) return fail("bad num_feature");
    if (string_at(*params, "num_target").value_or("1") != "1") return fail("num_target is not 1");
    const std::optional<std::string_view> base = string_at(*params, "base_score");
    const std::optional<float> base_score = base ? number_in<float>(*base) : std::nullopt;
    if (!base_score || !(std::fabs(*base_score) <= kMaxAbsLeafValue)) {
      return fail("bad base_score");
    }
    model_.class_count_ = *classes;
    model_.feature_count_ = *features;
    model_.base_score_ = *base_score;
    return true;
  }

  bool read_trees(const json::object& model) {
    const json::array* trees = array_at(model, "trees");
    const json::array* info = array_at(model, "tree_info");
    if (trees == nullptr || info == nullptr) return fail("no trees or tree_info array");
    if (trees->size() != info->size()) return fail("trees and tree_info differ in length");
    if (trees->size() > kMaxTrees) return fail("more than kMaxTrees trees");
    model_.trees_.reserve(trees->size());
    for (size_t t = 0; t < trees->size(); ++t) {
      const std::optional<int64_t> class_index = integer_of((*info)[t]);
      if (!class_index || *class_index < 0 ||
          static_cast<uint64_t>(*class_index) >= model_.class_count_) {
        return fail_tree(t, "tree_info class out of range");
      }
      const json::object* tree = (*trees)[t].if_object();
      if (tree == nullptr) return fail_tree(t, "not an object");
      const auto root = static_cast<uint32_t>(model_.nodes_.size());
      if (!read_tree(t, *tree)) return false;
      model_.trees_.push_back({root, static_cast<uint32_t>(*class_index)});
    }
    return true;
  }

  bool read_arrays(size_t t, const json::object& tree, TreeArrays& a) {
    a.left = array_at(tree, "left_children");
    a.right = array_at(tree, "right_children");
    a.feature = array_at(tree, "split_indices");
    a.value = array_at(tree, "split_conditions");
    a.default_left = array_at(tree, "default_left");
    if (a.left == nullptr || a.right == nullptr || a.feature == nullptr || a.value == nullptr ||
        a.default_left == nullptr) {
      return fail_tree(t, "a node array is missing");
    }
    a.size = a.left->size();
    if (a.size == 0) return fail_tree(t, "no nodes");
    if (a.right->size() != a.size || a.feature->size() != a.size || a.value->size() != a.size ||
        a.default_left->size() != a.size) {
      return fail_tree(t, "node arrays differ in length");
    }
    if (a.size > kMaxTreeNodes - model_.nodes_.size()) return fail("more than kMaxTreeNodes");
    if (const json::array* types = array_at(tree, "split_type")) {
      for (const json::value& type : *types) {
        if (integer_of(type) != 0) return fail_tree(t, "categorical splits are not supported");
      }
    }
    if (const json::object* param = object_at(tree, "tree_param")) {
      if (string_at(*param, "size_leaf_vector").value_or("0") != "0") {
        return fail_tree(t, "vector leaves are not supported");
      }
    }
    return true;
  }

  // Appends the tree breadth-first, each node's children next to each other. A child index
  // out of range or a node reached twice refuses the tree, so the walk always ends at a leaf.
  bool read_tree(size_t t, const json::object& tree) {
    TreeArrays a;
    if (!read_arrays(t, tree, a)) return false;
    const size_t base = model_.nodes_.size();
    std::vector<uint32_t> order{0};  // the old index of each appended node
    std::vector<bool> reached(a.size, false);
    reached[0] = true;
    for (size_t pos = 0; pos < order.size(); ++pos) {
      const uint32_t old = order[pos];
      const std::optional<int64_t> left = integer_of((*a.left)[old]);
      const std::optional<int64_t> right = integer_of((*a.right)[old]);
      const std::optional<float> value = float_of((*a.value)[old]);
      if (!left || !right || !value) return fail_node(t, old, "child or value not a number");
      TreeModel::Node node;
      node.value = *value;
      if (*left == -1 && *right == -1 && !(std::fabs(*value) <= kMaxAbsLeafValue)) {
        return fail_node(t, old, "leaf value past kMaxAbsLeafValue");
      }
      if (*left != -1 || *right != -1) {
        node.left = static_cast<uint32_t>(base + order.size());
        if (!add_child(t, *left, reached, order) || !add_child(t, *right, reached, order) ||
            !read_split(t, old, a, node)) {
          return false;
        }
      }
      model_.nodes_.push_back(node);
    }
    return true;
  }

  bool fail_node(size_t t, uint32_t node, const std::string& message) {
    return fail_tree(t, "node " + std::to_string(node) + ": " + message);
  }

  bool add_child(size_t t, int64_t child, std::vector<bool>& reached,
                 std::vector<uint32_t>& order) {
    if (child < 0 || static_cast<uint64_t>(child) >= reached.size()) {
      return fail_tree(t, "child " + std::to_string(child) + " out of range");
    }
    if (reached[child]) return fail_tree(t, "node " + std::to_string(child) + " reached twice");
    reached[child] = true;
    order.push_back(static_cast<uint32_t>(child));
    return true;
  }

  bool read_split(size_t t, uint32_t old, const TreeArrays& a, TreeModel::Node& node) {
    const std::optional<int64_t> index = integer_of((*a.feature)[old]);
    const std::optional<bool> default_left = flag_of((*a.default_left)[old]);
    if (!index || *index < 0 || static_cast<uint64_t>(*index) >= model_.feature_count_) {
      return fail_node(t, old, "split feature out of range");
    }
    if (!default_left) return fail_node(t, old, "default_left is not 0 or 1");
    node.feature = static_cast<uint16_t>(*index);
    node.default_left = *default_left;
    return true;
  }

  TreeModel& model_;
  std::string& error_;
};

std::optional<TreeModel> TreeModel::from_json(std::string_view text, std::string& error) {
  error.clear();
  if (text.size() > kMaxModelJsonBytes) {
    error = "tree model: larger than kMaxModelJsonBytes";
    return std::nullopt;
  }
  boost::system::error_code ec;
  const json::value document = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    error = "tree model: not JSON: " + ec.message();
    return std::nullopt;
  }
  TreeModel model;
  if (!TreeModelBuilder(model, error).build(document)) return std::nullopt;
  return model;
}

float TreeModel::leaf_of(uint32_t root, std::span<const float> row) const noexcept {
  const Node* node = &nodes_[root];
  while (node->left != 0) {
    const float x = row[node->feature];
    const bool go_left = std::isnan(x) ? node->default_left : x < node->value;
    node = &nodes_[node->left + (go_left ? 0 : 1)];
  }
  return node->value;
}

std::vector<float> TreeModel::margins(std::span<const float> row) const {
  if (row.size() < feature_count_) return {};
  std::vector<float> out(class_count_, base_score_);
  for (const Tree& tree : trees_) out[tree.class_index] += leaf_of(tree.root, row);
  return out;
}

std::vector<float> TreeModel::predict(std::span<const float> row) const {
  std::vector<float> p = margins(row);
  if (p.empty()) return p;
  // As XGBoost's common::Softmax: exp in float after subtracting the largest, sum in double.
  const float largest = *std::max_element(p.begin(), p.end());
  double sum = 0;
  for (float& v : p) {
    v = std::exp(v - largest);
    sum += v;
  }
  for (float& v : p) v /= static_cast<float>(sum);
  return p;
}

}  // namespace fp::identify::detail
