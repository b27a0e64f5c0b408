#include "identify/lookup.h"

#include <algorithm>

namespace fp::identify {

ProfileIndex::ProfileIndex(std::vector<Profile> profiles) : profiles_(std::move(profiles)) {
  for (uint32_t i = 0; i < profiles_.size(); ++i) {
    for (size_t k = 0; k < kFingerprintKinds; ++k) {
      for (const std::string& value : profiles_[i].fingerprints[k]) {
        std::vector<uint32_t>& ids = index_[k][value];
        // A profile may list one value twice; index it once.
        if (ids.empty() || ids.back() != i) ids.push_back(i);
      }
    }
  }
}

std::vector<ProfileMatch> ProfileIndex::lookup(const Observation& observation) const {
  // Few profiles share a fingerprint, so a flat vector beats a map for merging kinds.
  std::vector<std::pair<uint32_t, uint16_t>> hits;
  for (size_t k = 0; k < kFingerprintKinds; ++k) {
    const std::string& value = observation.values[k];
    if (value.empty()) continue;
    const auto it = index_[k].find(value);
    if (it == index_[k].end()) continue;
    for (uint32_t id : it->second) {
      auto hit =
          std::find_if(hits.begin(), hits.end(), [id](const auto& h) { return h.first == id; });
      if (hit == hits.end()) hit = hits.insert(hits.end(), {id, 0});
      hit->second = static_cast<uint16_t>(hit->second | (1U << k));
    }
  }
  std::vector<ProfileMatch> out;
  out.reserve(hits.size());
  for (const auto& [id, bits] : hits) out.push_back({&profiles_[id], bits});
  std::stable_sort(out.begin(), out.end(), [](const ProfileMatch& a, const ProfileMatch& b) {
    if (a.count() != b.count()) return a.count() > b.count();
    return a.profile < b.profile;  // database order: profiles_ is one array
  });
  return out;
}

}  // namespace fp::identify
