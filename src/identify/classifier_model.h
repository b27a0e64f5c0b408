#pragma once
// The classifier behind the identity engineer's model hook (identity.h IdentityModel): the
// `model` stage of Identifier::identify(), run when exact lookup and similarity name no client.

#include <optional>

#include "identify/classifier.h"
#include "identify/identity.h"

namespace fp::identify {

class ClassifierModel final : public IdentityModel {
 public:
  // Not owned; must outlive this object.
  explicit ClassifierModel(const Classifier& classifier) : classifier_(classifier) {}

  // `client` is nullopt when the model says unknown; `tls_library` is set whenever the TLS
  // model clears the threshold, even without a client. `kind` is left empty (the model does
  // not predict it); `version` is the version range, when known.
  [[nodiscard]] std::optional<Identity> classify(const Observation& observation) const override;

 private:
  const Classifier& classifier_;
};

}  // namespace fp::identify
