#pragma once
// Internal to classifier_eval*.cc: held-out predictions and their Markdown report.

#include <set>
#include <string>
#include <vector>

#include "identify/classifier_eval.h"

namespace fp::identify::detail {

struct Prediction {
  const Profile* profile = nullptr;
  std::string truth;  // client class
  ClassifierResult result;
  bool twin = false;  // its feature vector equals a training row's
};

struct EvalData {
  size_t profiles = 0;
  TrainOptions options;
  std::set<std::string> families;   // browser classes with >= 3 major versions
  std::vector<Prediction> grouped;  // leave-one-(class, version)-out
  std::vector<Prediction> lofo;     // leave-one-family-out
};

[[nodiscard]] std::set<std::string> families_with_versions(std::span<const Profile> profiles,
                                                           size_t min);
[[nodiscard]] EvalSummary report(const EvalData& data);

}  // namespace fp::identify::detail
