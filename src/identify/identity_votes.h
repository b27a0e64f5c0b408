#pragma once
// How identity assembly turns the profiles that matched (exactly or nearly) into names with
// confidences: each profile votes with a weight; a name's weight is its best profile's (many
// versions of one client sharing a JA4 are not more evidence than one); the name the User-Agent
// claims counts double, so it breaks ties among names the wire cannot tell apart (Chrome and
// Edge share TLS and HTTP/2). Confidence is a name's share of the weights.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identify/identity.h"
#include "identify/profile.h"

namespace fp::identify::detail {

struct Vote {
  const Profile* profile = nullptr;
  double weight = 0;
};

// By `field` (&Profile::name or &Profile::tls_library), skipping profiles where it is empty;
// most likely first, ties in vote order.
[[nodiscard]] std::vector<NamedGuess> tally(std::span<const Vote> votes,
                                            std::string Profile::*field, std::string_view favoured);

// The versions of `name`'s profiles among the votes: "131.0.6778.86" when one, else the range
// of major versions "100-131" (a single major alone); "" when none is known.
[[nodiscard]] std::string version_range(std::span<const Vote> votes, std::string_view name);

// The kind of `name`'s first profile among the votes that has one.
[[nodiscard]] std::string kind_of(std::span<const Vote> votes, std::string_view name);

}  // namespace fp::identify::detail
