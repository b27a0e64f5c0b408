#pragma once
// Exact lookup (STYLE.md 15, first stage): an index from each fingerprint kind's value to the
// profiles that list it. lookup() returns every profile that shares at least one fingerprint
// with the observation, and which kinds matched, most kinds first. Similarity comes later and
// runs only when this finds nothing.

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "identify/observation.h"
#include "identify/profile.h"

namespace fp::identify {

struct ProfileMatch {
  const Profile* profile = nullptr;  // into the index's profiles
  uint16_t matched = 0;              // bit (1 << kind) for each kind that matched

  [[nodiscard]] bool matched_by(FingerprintKind k) const noexcept {
    return (matched >> static_cast<unsigned>(k)) & 1U;
  }
  [[nodiscard]] int count() const noexcept { return __builtin_popcount(matched); }
};

class ProfileIndex {
 public:
  explicit ProfileIndex(std::vector<Profile> profiles);

  // Most matched kinds first; ties in database order. Empty when nothing matches.
  [[nodiscard]] std::vector<ProfileMatch> lookup(const Observation& observation) const;

  [[nodiscard]] const std::vector<Profile>& profiles() const noexcept { return profiles_; }

 private:
  std::vector<Profile> profiles_;
  std::array<std::unordered_map<std::string, std::vector<uint32_t>>, kFingerprintKinds> index_;
};

}  // namespace fp::identify
