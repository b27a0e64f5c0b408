#pragma once
// Consistency: does what the User-Agent claims agree with what the TLS, HTTP/2, header-order and
// TCP layers say? A score in [0, 1] and named reason codes (docs/identities.md, "Consistency"):
//
//   ua_<client>_tls_<library>   the UA's client does not ship with the matched TLS library
//   ua_<os>_tcp_<os>            the UA's OS is not the p0f OS of the SYN
//   ua_<client>_h2_<family>     the HTTP/2 Akamai pseudo-header order is another family's
//   ua_browser_no_h2            a browser UA whose ClientHello does not offer h2 first (JA4)
//   ua_browser_headers_tool     a browser UA over HTTP/1 without accept-language
//
// Names inside codes are vocabulary names with '-' written '_', OS names lower-case without
// spaces (`Mac OS X` -> `macos`). Each reason multiplies the score by (1 - its penalty).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identify/observation.h"

namespace fp::identify {

// What a User-Agent string claims; empty fields when it does not say.
struct UserAgentClaim {
  std::string client;   // vocabulary name: chrome, edge, opera, firefox, safari, curl, go ...
  std::string version;  // "131.0.6778.86"
  std::string os;       // p0f name: Windows, Linux, Mac OS X, iOS, Android
  bool browser = false;
};

[[nodiscard]] UserAgentClaim parse_user_agent(std::string_view user_agent);

// The browser family an HTTP/2 pseudo-header order belongs to ("m,a,s,p" -> chrome,
// "m,p,a,s" -> firefox, "m,s,a,p" / "m,s,p,a" -> safari), or "" for any other.
[[nodiscard]] std::string_view h2_family(std::string_view pseudo_order);

struct Consistency {
  std::optional<double> score;       // nullopt when no two layers could be compared
  std::vector<std::string> reasons;  // in the order listed above
};

// `tls_library` is the library the TLS layer was matched to ("" when unknown); the rest comes
// from the observation (user_agent, Akamai or header_order, ja4, p0f_os).
[[nodiscard]] Consistency check_consistency(const Observation& observation,
                                            std::string_view tls_library);

}  // namespace fp::identify
