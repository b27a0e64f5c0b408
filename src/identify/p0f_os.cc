#include "identify/p0f_os.h"

namespace fp::identify {
namespace {

// p0f.fp spells one Mac label "MacOS X" (10.9 or newer); the vocabulary, and its other labels,
// say "Mac OS X".
std::string os_name(const std::string& label_name) {
  return label_name == "MacOS X" ? "Mac OS X" : label_name;
}

}  // namespace

P0fMatchKind p0f_match_kind(const P0fMatch& match) noexcept {
  if (!match.matched) return P0fMatchKind::kNone;
  if (match.fuzzy) return P0fMatchKind::kFuzzy;
  return match.generic ? P0fMatchKind::kGeneric : P0fMatchKind::kExact;
}

bool set_p0f_os(const P0fDatabase& db, Observation& o) {
  const auto obs = p0f_observe_raw_sig(o.p0f_signature);
  if (!obs) return false;
  const P0fMatch match = p0f_match_tcp(db, *obs);
  if (!match.matched || match.label.is_app()) return false;
  o.p0f_os = os_name(match.label.name);
  o.p0f_flavor = match.label.flavor;
  o.p0f_match = p0f_match_kind(match);
  o.p0f_distance = match.distance;
  return true;
}

}  // namespace fp::identify
