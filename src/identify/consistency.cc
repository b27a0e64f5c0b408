// The consistency rules of consistency.h. Each rule compares the UA's claim with one layer and
// adds at most one reason; a layer that is not visible is not held against the client.
#include "identify/consistency.h"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace fp::identify {
namespace {

// Penalties: a TLS library that cannot be the claimed client's is the strongest sign of a
// forged UA; a TCP OS can be a NAT or VPN box, HTTP/2 details a proxy.
constexpr double kTlsPenalty = 0.6;
constexpr double kTcpPenalty = 0.5;
constexpr double kH2Penalty = 0.5;
constexpr double kNoH2Penalty = 0.3;
constexpr double kHeadersPenalty = 0.3;

bool is_chromium(std::string_view c) {
  return c == "chrome" || c == "chromium" || c == "edge" || c == "opera" || c == "brave";
}

// The TLS libraries the client ships with. Browsers on iOS must use Apple's stack.
std::vector<std::string_view> expected_tls(const UserAgentClaim& ua) {
  if (ua.browser && ua.os == "iOS") return {"apple"};
  if (is_chromium(ua.client)) return {"boringssl"};
  if (ua.client == "firefox" || ua.client == "tor") return {"nss"};
  if (ua.client == "safari") return {"apple"};
  if (ua.client == "curl") return {"openssl", "gnutls", "nss", "wolfssl", "schannel", "rustls"};
  if (ua.client == "wget") return {"gnutls", "openssl"};
  if (ua.client == "python-requests" || ua.client == "python-urllib" || ua.client == "node") {
    return {"openssl"};
  }
  if (ua.client == "go") return {"go"};
  if (ua.client == "okhttp") return {"boringssl", "jsse", "openssl"};
  if (ua.client == "java") return {"jsse"};
  return {};
}

std::string_view expected_h2(const UserAgentClaim& ua) {
  if (!ua.browser) return "";
  if (ua.os == "iOS" || ua.client == "safari") return "safari";
  if (is_chromium(ua.client)) return "chrome";
  if (ua.client == "firefox" || ua.client == "tor") return "firefox";
  return "";
}

std::string code_word(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ') continue;
    out.push_back(c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out == "macosx" ? "macos" : out;
}

// Akamai's pseudo-header part, else the ':' names of an HTTP/2 header order as "m,a,s,p".
std::string pseudo_order(const Observation& o) {
  const std::string& akamai = o.of(FingerprintKind::kAkamai);
  if (std::count(akamai.begin(), akamai.end(), '|') == 3)
    return akamai.substr(akamai.rfind('|') + 1);
  std::string out;
  for (size_t at = 0; at < o.header_order.size() && o.header_order[at] == ':';) {
    if (!out.empty()) out.push_back(',');
    out.push_back(o.header_order[at + 1 < o.header_order.size() ? at + 1 : at]);
    const size_t comma = o.header_order.find(',', at);
    at = comma == std::string::npos ? o.header_order.size() : comma + 1;
  }
  return out;
}

bool same_os(std::string_view ua_os, std::string_view tcp_os) {
  if (ua_os == tcp_os) return true;
  if (ua_os == "Android" && tcp_os == "Linux") return true;  // p0f files Android under Linux
  const auto apple = [](std::string_view os) { return os == "iOS" || os == "Mac OS X"; };
  return apple(ua_os) && apple(tcp_os);
}

struct Tally {
  Consistency out;
  int checks = 0;

  void check(bool consistent, double penalty, std::string reason) {
    ++checks;
    if (consistent) return;
    out.reasons.push_back(std::move(reason));
    *out.score *= 1.0 - penalty;
  }
};

void check_tls(const UserAgentClaim& ua, std::string_view tls_library, Tally& t) {
  const std::vector<std::string_view> expected = expected_tls(ua);
  if (expected.empty() || tls_library.empty()) return;
  const bool ok = std::find(expected.begin(), expected.end(), tls_library) != expected.end();
  t.check(ok, kTlsPenalty, "ua_" + code_word(ua.client) + "_tls_" + code_word(tls_library));
}

void check_tcp(const UserAgentClaim& ua, const Observation& o, Tally& t) {
  if (ua.os.empty() || o.p0f_os.empty()) return;
  t.check(same_os(ua.os, o.p0f_os), kTcpPenalty,
          "ua_" + code_word(ua.os) + "_tcp_" + code_word(o.p0f_os));
}

void check_h2(const UserAgentClaim& ua, const Observation& o, Tally& t) {
  const std::string_view expected = expected_h2(ua);
  const std::string_view seen = h2_family(pseudo_order(o));
  if (expected.empty() || seen.empty()) return;
  t.check(expected == seen, kH2Penalty, "ua_" + code_word(ua.client) + "_h2_" + std::string(seen));
}

void check_alpn(const UserAgentClaim& ua, const Observation& o, Tally& t) {
  const std::string& ja4 = o.of(FingerprintKind::kJa4);
  if (!ua.browser || ja4.size() < 10) return;
  t.check(ja4.substr(8, 2) == "h2", kNoH2Penalty, "ua_browser_no_h2");
}

void check_headers(const UserAgentClaim& ua, const Observation& o, Tally& t) {
  if (!ua.browser || o.header_order.empty() || o.header_order.starts_with(':')) return;
  const bool ok = ("," + o.header_order + ",").find(",accept-language,") != std::string::npos;
  t.check(ok, kHeadersPenalty, "ua_browser_headers_tool");
}

}  // namespace

Consistency check_consistency(const Observation& o, std::string_view tls_library) {
  Tally t;
  t.out.score = 1.0;
  const UserAgentClaim ua = parse_user_agent(o.user_agent);
  if (!ua.client.empty() || !ua.os.empty()) {
    check_tls(ua, tls_library, t);
    check_tcp(ua, o, t);
    check_h2(ua, o, t);
    check_alpn(ua, o, t);
    check_headers(ua, o, t);
  }
  if (t.checks == 0) t.out.score.reset();
  return t.out;
}

}  // namespace fp::identify
