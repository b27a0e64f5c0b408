#include "identify/identity_votes.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace fp::identify::detail {
namespace {

std::optional<int> major_of(std::string_view version) {
  int major = 0;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
  if (ec != std::errc()) return std::nullopt;
  return major;
}

// "116-131" -> {116, 131}; "131.0.1" -> {131, 131}.
std::optional<std::pair<int, int>> major_range(std::string_view version) {
  const size_t dash = version.find('-');
  const auto low = major_of(version.substr(0, dash));
  if (!low) return std::nullopt;
  if (dash == std::string_view::npos) return std::pair{*low, *low};
  const auto high = major_of(version.substr(dash + 1));
  return std::pair{*low, high.value_or(*low)};
}

}  // namespace

std::vector<NamedGuess> tally(std::span<const Vote> votes, std::string Profile::*field,
                              std::string_view favoured) {
  std::vector<NamedGuess> out;
  double total = 0;
  for (const Vote& v : votes) {
    const std::string& key = v.profile->*field;
    if (key.empty()) continue;
    const double weight = key == favoured ? 2 * v.weight : v.weight;
    auto it =
        std::find_if(out.begin(), out.end(), [&](const NamedGuess& g) { return g.name == key; });
    if (it == out.end()) it = out.insert(out.end(), NamedGuess{key, 0});
    if (weight > it->confidence) {
      total += weight - it->confidence;
      it->confidence = weight;
    }
  }
  for (NamedGuess& g : out) g.confidence = total > 0 ? g.confidence / total : 0;
  std::stable_sort(out.begin(), out.end(), [](const NamedGuess& a, const NamedGuess& b) {
    return a.confidence > b.confidence;
  });
  return out;
}

std::string version_range(std::span<const Vote> votes, std::string_view name) {
  std::string only;
  bool several = false;
  int low = 1 << 30, high = -1;
  for (const Vote& v : votes) {
    const Profile& p = *v.profile;
    if (p.name != name || p.version.empty()) continue;
    if (only.empty()) only = p.version;
    several |= p.version != only;
    if (const auto r = major_range(p.version)) {
      low = std::min(low, r->first);
      high = std::max(high, r->second);
    }
  }
  if (!several || high < 0) return only;
  return low == high ? std::to_string(low) : std::to_string(low) + "-" + std::to_string(high);
}

std::string kind_of(std::span<const Vote> votes, std::string_view name) {
  for (const Vote& v : votes) {
    if (v.profile->name == name && !v.profile->kind.empty()) return v.profile->kind;
  }
  return "";
}

}  // namespace fp::identify::detail
