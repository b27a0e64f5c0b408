// Training and prediction. libxgboost trains and writes the models (classifier_xgb.h); our own
// evaluator of the JSON it writes predicts (tree_model.h): libxgboost's predict cost ~100 us
// per row in DMatrix creation and configuration, ours a few.
#include "identify/classifier.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <numeric>

#include "core/hash.h"
#include "identify/classifier_meta.h"
#include "identify/classifier_xgb.h"
#include "identify/tree_model.h"

namespace fp::identify {

struct Classifier::Impl {
  detail::ModelMeta meta;
  detail::Booster client, tls;                // training, save()
  detail::TreeModel client_trees, tls_trees;  // classify()
};

namespace {

using LabelOf = std::string_view (*)(const Profile&);

std::string_view client_label(const Profile& p) {
  return p.name.empty() ? std::string_view() : client_class_of(p.name);
}
std::string_view tls_label(const Profile& p) { return p.tls_library; }

std::vector<std::string> labels_of(std::span<const Profile> profiles, LabelOf label) {
  std::vector<std::string> out;
  for (const Profile& p : profiles) {
    if (!label(p).empty()) out.emplace_back(label(p));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool train_target(std::span<const Profile> profiles, std::span<const FeatureVector> features,
                  LabelOf label, const std::vector<std::string>& labels,
                  const TrainOptions& options, detail::Booster& booster, std::string& error) {
  if (labels.size() < 2) {
    error = "fewer than two classes to train on";
    return false;
  }
  std::vector<float> data, y;
  for (size_t i = 0; i < profiles.size(); ++i) {
    const std::string_view l = label(profiles[i]);
    if (l.empty()) continue;
    data.insert(data.end(), features[i].begin(), features[i].end());
    y.push_back(
        static_cast<float>(std::lower_bound(labels.begin(), labels.end(), l) - labels.begin()));
  }
  const detail::BoosterParams params{options.seed, options.rounds, options.max_depth, options.eta};
  return booster.train(data, feature_count(), y, static_cast<int>(labels.size()), params, error);
}

// Classes by probability, most probable first; ties in label order.
std::vector<ClassLabel> ranked(const std::vector<float>& probs,
                               const std::vector<std::string>& labels) {
  std::vector<ClassLabel> out;
  for (size_t i = 0; i < labels.size() && i < probs.size(); ++i) {
    out.push_back({labels[i], probs[i]});
  }
  std::stable_sort(out.begin(), out.end(), [](const ClassLabel& a, const ClassLabel& b) {
    return a.confidence > b.confidence;
  });
  return out;
}

// The evaluator of a model libxgboost wrote or read; its classes must be the labels'.
bool build_trees(const std::string& json, size_t labels, detail::TreeModel& out,
                 std::string& error) {
  std::optional<detail::TreeModel> trees = detail::TreeModel::from_json(json, error);
  if (!trees) return false;
  if (trees->class_count() != labels) {
    error = "model has " + std::to_string(trees->class_count()) + " classes, metadata " +
            std::to_string(labels) + " labels";
    return false;
  }
  out = std::move(*trees);
  return true;
}

std::string training_hash(std::span<const Profile> profiles) {
  std::string all;
  for (const Profile& p : profiles) all += format_profile(p);
  return sha256_hex(all);
}

}  // namespace

std::string_view client_class_of(std::string_view name) {
  for (std::string_view chromium : {"chromium", "edge", "opera", "brave"}) {
    if (name == chromium) return "chrome";
  }
  return name;
}

std::optional<int> major_version(std::string_view version) {
  int major = 0;
  const auto [p, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
  if (ec != std::errc() || p == version.data()) return std::nullopt;
  return major;
}

Classifier::Classifier() : impl_(std::make_unique<Impl>()) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

std::optional<Classifier> Classifier::train(std::span<const Profile> profiles,
                                            const TrainOptions& options, std::string& error) {
  Classifier c;
  detail::ModelMeta& meta = c.impl_->meta;
  meta.feature_count = feature_count();
  meta.options = options;
  meta.training_rows = profiles.size();
  meta.training_sha256 = training_hash(profiles);
  meta.client_labels = labels_of(profiles, client_label);
  meta.tls_labels = labels_of(profiles, tls_label);
  meta.eras = detail::learn_eras(profiles);
  std::vector<FeatureVector> features;
  features.reserve(profiles.size());
  for (const Profile& p : profiles) features.push_back(compute_features(wire_data_of(p)));
  if (!train_target(profiles, features, client_label, meta.client_labels, options, c.impl_->client,
                    error) ||
      !train_target(profiles, features, tls_label, meta.tls_labels, options, c.impl_->tls, error) ||
      !build_trees(c.impl_->client.save_json(), meta.client_labels.size(), c.impl_->client_trees,
                   error) ||
      !build_trees(c.impl_->tls.save_json(), meta.tls_labels.size(), c.impl_->tls_trees, error)) {
    return std::nullopt;
  }
  return c;
}

std::optional<Classifier> Classifier::load(const ModelFiles& files, std::string& error) {
  std::optional<detail::ModelMeta> meta = detail::read_meta(files.metadata, error);
  if (!meta) return std::nullopt;
  Classifier c;
  c.impl_->meta = std::move(*meta);
  const detail::ModelMeta& m = c.impl_->meta;
  if (!c.impl_->client.load_json(files.client_model, error) ||
      !c.impl_->tls.load_json(files.tls_model, error) ||
      !build_trees(files.client_model, m.client_labels.size(), c.impl_->client_trees, error) ||
      !build_trees(files.tls_model, m.tls_labels.size(), c.impl_->tls_trees, error)) {
    return std::nullopt;
  }
  return c;
}

ModelFiles Classifier::save() const {
  return {impl_->client.save_json(), impl_->tls.save_json(), detail::write_meta(impl_->meta)};
}

ClassifierResult Classifier::classify(const FeatureVector& features) const {
  ClassifierResult result;
  const detail::ModelMeta& meta = impl_->meta;
  if (features.size() != feature_count()) return result;
  const float threshold = meta.options.threshold;
  std::vector<ClassLabel> clients =
      ranked(impl_->client_trees.predict(features), meta.client_labels);
  if (!clients.empty()) {
    result.client_confidence = clients.front().confidence;
    if (clients.front().confidence >= threshold) result.client = clients.front().name;
    clients.resize(std::min<size_t>(clients.size(), 3));
    result.alternatives = std::move(clients);
  }
  const std::vector<ClassLabel> libs = ranked(impl_->tls_trees.predict(features), meta.tls_labels);
  if (!libs.empty()) {
    result.tls_confidence = libs.front().confidence;
    if (libs.front().confidence >= threshold) result.tls_library = libs.front().name;
  }
  const std::optional<uint32_t> markers = detail::version_markers(features);
  if (result.client != kUnknown && markers) {
    for (const detail::VersionEra& era : meta.eras) {
      if (era.client != result.client || era.markers != *markers) continue;
      result.version_range = era.min == era.max
                                 ? std::to_string(era.min)
                                 : std::to_string(era.min) + "-" + std::to_string(era.max);
    }
  }
  return result;
}

const std::vector<std::string>& Classifier::client_labels() const {
  return impl_->meta.client_labels;
}
const std::vector<std::string>& Classifier::tls_labels() const { return impl_->meta.tls_labels; }

}  // namespace fp::identify
