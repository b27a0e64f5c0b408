// User-Agent parsing for consistency checks: just enough to name the client family, its version
// and the OS. Order matters: Edge and Opera also say "Chrome/", Chrome also says "Safari/".
#include <array>
#include <cctype>

#include "identify/consistency.h"

namespace fp::identify {
namespace {

struct Token {
  std::string_view needle;  // text that names the client, followed by '/' and its version
  std::string_view client;
  bool browser;
};

// Tools and libraries first: they lead their UA and never claim Mozilla.
constexpr std::array<Token, 19> kTokens = {{
    {"curl/", "curl", false},
    {"Wget/", "wget", false},
    {"python-requests/", "python-requests", false},
    {"Python-urllib/", "python-urllib", false},
    {"Go-http-client/", "go", false},
    {"okhttp/", "okhttp", false},
    {"Java/", "java", false},
    {"node-fetch/", "node", false},
    {"undici", "node", false},
    {"node/", "node", false},
    {"Edg/", "edge", true},
    {"EdgA/", "edge", true},
    {"OPR/", "opera", true},
    {"Firefox/", "firefox", true},
    {"FxiOS/", "firefox", true},
    {"CriOS/", "chrome", true},
    {"Chromium/", "chromium", true},
    {"Chrome/", "chrome", true},
    {"Version/", "safari", true},  // Safari says Version/17.1 ... Safari/605.1.15
}};

struct OsToken {
  std::string_view needle;
  std::string_view os;
};

// Android before Linux (its UA says both), iPhone before Mac OS X ("like Mac OS X").
constexpr std::array<OsToken, 10> kOsTokens = {{
    {"Windows", "Windows"},
    {"Android", "Android"},
    {"iPhone", "iOS"},
    {"iPad", "iOS"},
    {"iPod", "iOS"},
    {"Macintosh", "Mac OS X"},
    {"Mac OS X", "Mac OS X"},
    {"CrOS", "Linux"},
    {"Linux", "Linux"},
    {"FreeBSD", "FreeBSD"},
}};

std::string version_after(std::string_view ua, size_t at) {
  size_t end = at;
  while (end < ua.size() && (std::isalnum(static_cast<unsigned char>(ua[end])) || ua[end] == '.'))
    ++end;
  return std::string(ua.substr(at, end - at));
}

}  // namespace

UserAgentClaim parse_user_agent(std::string_view ua) {
  UserAgentClaim claim;
  for (const Token& t : kTokens) {
    const size_t at = ua.find(t.needle);
    if (at == std::string_view::npos) continue;
    // Safari's "Version/" only counts with "Safari/" in the string.
    if (t.client == "safari" && ua.find("Safari/") == std::string_view::npos) continue;
    claim.client = std::string(t.client);
    claim.browser = t.browser;
    if (t.needle.ends_with('/')) claim.version = version_after(ua, at + t.needle.size());
    break;
  }
  for (const OsToken& t : kOsTokens) {
    if (ua.find(t.needle) == std::string_view::npos) continue;
    claim.os = std::string(t.os);
    break;
  }
  return claim;
}

std::string_view h2_family(std::string_view pseudo_order) {
  if (pseudo_order == "m,a,s,p") return "chrome";
  if (pseudo_order == "m,p,a,s") return "firefox";
  if (pseudo_order == "m,s,a,p" || pseudo_order == "m,s,p,a") return "safari";
  return "";
}

}  // namespace fp::identify
