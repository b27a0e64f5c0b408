#pragma once
// Identity assembly (STYLE.md 15): exact lookup first, then similarity to the nearest profiles
// (a quality threshold, else `unknown`), then an optional model (the classifier) for what those
// two leave open. The result is the `identity` object of `analyze --identify` and `identify`:
//   {"client": {"name","kind","version","confidence"}, "tls_library": {"name","confidence"},
//    "os": {"name","flavor","confidence"}, "matched_by": "exact|similarity|model",
//    "alternatives": [{"name","confidence"}], "consistency": {"score","reasons":[]}}
// with nullopt (JSON null) for what the visible layers cannot tell.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identify/consistency.h"
#include "identify/lookup.h"
#include "identify/observation.h"
#include "identify/similarity.h"

namespace fp::identify {

struct ClientGuess {
  std::string name;     // vocabulary name, or "unknown"
  std::string kind;     // "" when unknown
  std::string version;  // "131", or a range of major versions "116-131"; "" when unknown
  double confidence = 0;
};

struct NamedGuess {
  std::string name;
  double confidence = 0;
};

struct OsGuess {
  std::string name, flavor;
  double confidence = 0;
};

enum class MatchedBy : uint8_t { kNone, kExact, kSimilarity, kModel };
[[nodiscard]] std::string_view matched_by_name(MatchedBy m) noexcept;  // "", "exact", ...

struct Identity {
  std::optional<ClientGuess> client;
  std::optional<NamedGuess> tls_library;
  std::optional<OsGuess> os;
  MatchedBy matched_by = MatchedBy::kNone;
  std::vector<NamedGuess> alternatives;  // other client names, most likely first
  Consistency consistency;
  std::string profile;  // id of the best profile (exact or nearest); "" when none
  double quality = 0;   // 1 for an exact match, else the nearest profile's similarity quality
};

// The classifier's hook: given what the exact and similarity stages could not settle, return
// client (and, if it can, tls_library, os, alternatives), or nullopt to leave `unknown`. A
// tls_library without a client is kept (the client stays `unknown`, `matched_by` is not
// `model`): an unknown program is reported with its TLS library only.
class IdentityModel {
 public:
  virtual ~IdentityModel() = default;
  [[nodiscard]] virtual std::optional<Identity> classify(const Observation& observation) const = 0;
};

struct IdentifyOptions {
  double client_quality = 0.90;   // nearest profile's quality needed to name the client
  double library_quality = 0.75;  // ... to name the TLS library alone
  double margin = 0.03;           // neighbours this close to the best count as alternatives
  size_t neighbours = 24;         // k of nearest()
};

class Identifier {
 public:
  explicit Identifier(std::vector<Profile> profiles, IdentifyOptions options = {});
  Identifier(const Identifier&) = delete;
  Identifier& operator=(const Identifier&) = delete;

  // Not owned; must outlive the identifier. nullptr (the default) disables the model stage.
  void set_model(const IdentityModel* model) noexcept { model_ = model; }

  [[nodiscard]] Identity identify(const Observation& observation) const;

  [[nodiscard]] const ProfileIndex& index() const noexcept { return index_; }
  [[nodiscard]] const SimilarityIndex& similarity() const noexcept { return similarity_; }

 private:
  ProfileIndex index_;
  SimilarityIndex similarity_;
  IdentifyOptions options_;
  const IdentityModel* model_ = nullptr;
};

}  // namespace fp::identify
