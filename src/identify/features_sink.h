#pragma once
// Internal to features*.cc: the one place features are appended, so names and values cannot
// drift apart. Every layer appends the same features whether or not it is known (NaN when not).

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "identify/features.h"

namespace fp::identify::detail {

inline constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

class FeatureSink {
 public:
  explicit FeatureSink(std::vector<std::string>* names) : names_(names) { values_.reserve(256); }

  void add(std::string_view name, float value) {
    values_.push_back(value);
    if (names_ != nullptr) names_->emplace_back(name);
  }
  // `known ? value : NaN`
  void add(std::string_view name, bool known, float value) { add(name, known ? value : kMissing); }
  // The name is made only when names are recorded (feature_names(), once).
  template <typename MakeName>
  void add_named(const MakeName& make_name, bool known, float value) {
    values_.push_back(known ? value : kMissing);
    if (names_ != nullptr) names_->push_back(make_name());
  }
  [[nodiscard]] FeatureVector take() { return std::move(values_); }

 private:
  std::vector<std::string>* names_;
  FeatureVector values_;
};

void add_tls_features(const WireData& wire, FeatureSink& sink);
void add_http_features(const WireData& wire, FeatureSink& sink);
void add_tcp_features(const WireData& wire, FeatureSink& sink);

}  // namespace fp::identify::detail
