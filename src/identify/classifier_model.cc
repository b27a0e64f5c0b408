#include "identify/classifier_model.h"

namespace fp::identify {

std::optional<Identity> ClassifierModel::classify(const Observation& observation) const {
  const ClassifierResult r = classifier_.classify(compute_features(wire_data_of(observation)));
  if (r.client == kUnknown && r.tls_library == kUnknown) return std::nullopt;
  Identity id;
  id.matched_by = MatchedBy::kModel;
  if (r.client != kUnknown) {
    id.client = ClientGuess{r.client, "", r.version_range, r.client_confidence};
  }
  if (r.tls_library != kUnknown) id.tls_library = NamedGuess{r.tls_library, r.tls_confidence};
  for (const ClassLabel& alt : r.alternatives) {
    if (alt.name != r.client) id.alternatives.push_back({alt.name, alt.confidence});
  }
  return id;
}

}  // namespace fp::identify
