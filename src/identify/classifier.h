#pragma once
// The gradient-boosted-trees classifier (DESIGN.md Identification 3, docs/model-card.md): two
// multi-class XGBoost models over compute_features() — client name and TLS library — and a
// version-range table learnt from which version-marking code points (post-quantum groups, ECH,
// ALPS) each client's versions send. Below `threshold` the answer is "unknown".
//
// No I/O: models go in and out as text (XGBoost JSON + a metadata JSON); the CLI reads and
// writes data/models/. Training is deterministic (nthread=1, no sampling, fixed seed): the same
// profiles and options give byte-identical model text.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identify/features.h"
#include "identify/profile.h"

namespace fp::identify {

inline constexpr std::string_view kUnknown = "unknown";

struct TrainOptions {
  uint64_t seed = 20240601;
  int rounds = 40;
  int max_depth = 4;
  double eta = 0.3;
  float threshold = 0.6F;  // below it, the answer is "unknown"
};

struct ClassLabel {
  std::string name;
  float confidence = 0;
};

struct ClassifierResult {
  std::string client = std::string(kUnknown);  // client class (see client_class_of)
  float client_confidence = 0;                 // the top class's probability, even if unknown
  std::string tls_library = std::string(kUnknown);
  float tls_confidence = 0;
  std::vector<ClassLabel> alternatives;  // the top three client classes, most probable first
  // "124-130": the major versions of training profiles of this client that send the same
  // version-marking code points; empty when the client is unknown or no such profile exists.
  std::string version_range;
};

// The files of a model: XGBoost JSON for each target and our metadata (labels, feature schema
// and names, options, training-data hash, version table).
struct ModelFiles {
  std::string client_model, tls_model, metadata;
};

// The client class a profile name trains as. Chromium-based browsers (chrome, chromium, edge,
// opera, brave) are one class, `chrome`: their ClientHellos and HTTP/2 frames are identical
// (docs/model-card.md "What it cannot tell apart"). Other names are themselves.
[[nodiscard]] std::string_view client_class_of(std::string_view name);

// The major version of "131.0.6778.86" or "116-131" (the lower end), or nullopt.
[[nodiscard]] std::optional<int> major_version(std::string_view version);

class Classifier {
 public:
  Classifier();
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // Trains on every profile with a name (client) or TLS library (TLS). Returns nullopt and sets
  // `error` when there are fewer than two classes or XGBoost fails.
  [[nodiscard]] static std::optional<Classifier> train(std::span<const Profile> profiles,
                                                       const TrainOptions& options,
                                                       std::string& error);
  // nullopt with `error` on a malformed file or a feature schema other than this build's.
  [[nodiscard]] static std::optional<Classifier> load(const ModelFiles& files, std::string& error);
  [[nodiscard]] ModelFiles save() const;

  [[nodiscard]] ClassifierResult classify(const FeatureVector& features) const;
  [[nodiscard]] ClassifierResult classify(const Profile& profile) const {
    return classify(compute_features(wire_data_of(profile)));
  }

  [[nodiscard]] const std::vector<std::string>& client_labels() const;
  [[nodiscard]] const std::vector<std::string>& tls_labels() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fp::identify
