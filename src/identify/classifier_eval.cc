// The held-out folds. The Markdown tables are written in classifier_report.cc.
#include "identify/classifier_eval.h"

#include <cstring>
#include <map>
#include <set>

#include "identify/classifier_report.h"

namespace fp::identify {
namespace detail {
namespace {

bool same_vector(const FeatureVector& a, const FeatureVector& b) {
  // Bytewise, so NaN (always the same quiet NaN here) equals NaN.
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The profiles outside `held_out`, and whether row i's vector equals one of theirs.
struct Fold {
  std::vector<Profile> train;
  std::vector<size_t> test;
};

void predict_fold(std::span<const Profile> profiles, std::span<const FeatureVector> features,
                  const Fold& fold, const TrainOptions& options, std::vector<Prediction>& out) {
  std::string error;
  const std::optional<Classifier> model = Classifier::train(fold.train, options, error);
  std::set<size_t> test_rows(fold.test.begin(), fold.test.end());
  for (size_t i : fold.test) {
    Prediction p;
    p.profile = &profiles[i];
    p.truth = std::string(client_class_of(profiles[i].name));
    if (model) p.result = model->classify(features[i]);
    for (size_t j = 0; j < profiles.size() && !p.twin; ++j) {
      p.twin = test_rows.count(j) == 0 && same_vector(features[i], features[j]);
    }
    out.push_back(std::move(p));
  }
}

Fold fold_without(std::span<const Profile> profiles, const std::vector<size_t>& held_out) {
  Fold fold;
  fold.test = held_out;
  const std::set<size_t> skip(held_out.begin(), held_out.end());
  for (size_t i = 0; i < profiles.size(); ++i) {
    if (skip.count(i) == 0) fold.train.push_back(profiles[i]);
  }
  return fold;
}

// (class, major version) for versioned profiles; the profile itself otherwise.
std::string group_of(const Profile& p) {
  const std::optional<int> major = major_version(p.version);
  return std::string(client_class_of(p.name)) + "@" +
         (major ? std::to_string(*major) : "id:" + p.id);
}

}  // namespace

std::set<std::string> families_with_versions(std::span<const Profile> profiles, size_t min) {
  std::map<std::string, std::set<int>> majors;
  for (const Profile& p : profiles) {
    const std::optional<int> major = major_version(p.version);
    if (major && p.kind == "browser") majors[std::string(client_class_of(p.name))].insert(*major);
  }
  std::set<std::string> out;
  for (const auto& [family, versions] : majors) {
    if (versions.size() >= min) out.insert(family);
  }
  return out;
}

}  // namespace detail

EvalSummary evaluate_classifier(std::span<const Profile> profiles, const TrainOptions& options) {
  std::vector<FeatureVector> features;
  for (const Profile& p : profiles) features.push_back(compute_features(wire_data_of(p)));

  std::map<std::string, std::vector<size_t>> groups, families;
  for (size_t i = 0; i < profiles.size(); ++i) {
    if (profiles[i].name.empty()) continue;
    groups[detail::group_of(profiles[i])].push_back(i);
    families[std::string(client_class_of(profiles[i].name))].push_back(i);
  }
  detail::EvalData data;
  data.profiles = profiles.size();
  data.options = options;
  data.families = detail::families_with_versions(profiles, 3);
  for (const auto& [group, rows] : groups) {
    detail::predict_fold(profiles, features, detail::fold_without(profiles, rows), options,
                         data.grouped);
  }
  for (const auto& [family, rows] : families) {
    detail::predict_fold(profiles, features, detail::fold_without(profiles, rows), options,
                         data.lofo);
  }
  return detail::report(data);
}

}  // namespace fp::identify
