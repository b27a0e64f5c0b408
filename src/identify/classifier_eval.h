#pragma once
// Held-out evaluation of the classifier (docs/model-card.md "Evaluation"), as Markdown. Every
// figure comes from a model that did not train on the rows it is measured on:
// - grouped cross-validation: each (client class, major version) group is held out in turn
//   (unversioned profiles one by one); for families with >= 3 versions that is
//   leave-one-version-out;
// - leave-one-family-out: every profile of one client class held out, to test `unknown`.
// Pure computation; training runs once per fold, so this takes a while (seconds to minutes).

#include <span>
#include <string>

#include "identify/classifier.h"
#include "identify/profile.h"

namespace fp::identify {

struct EvalSummary {
  size_t lovo_rows = 0, lovo_correct = 0;  // browser families with >= 3 major versions
  size_t lofo_rows = 0, lofo_unknown = 0, lofo_tls_only = 0, lofo_confident_wrong = 0;
  std::string markdown;
};

[[nodiscard]] EvalSummary evaluate_classifier(std::span<const Profile> profiles,
                                              const TrainOptions& options);

}  // namespace fp::identify
