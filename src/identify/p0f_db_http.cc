// HTTP signature of p0f.fp (p0f 3.09b fp_http.c http_register_sig): ver:horder:habsent:expsw.
// Header values in horder are bracketed and may hold ',' and ':', so this walks the text with a
// cursor instead of splitting it.

#include <cctype>

#include "identify/p0f_db.h"
#include "identify/p0f_db_text.h"

namespace fp::identify {
namespace {

bool is_header_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

std::string_view take_name(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && is_header_char(s[n])) ++n;
  std::string_view name = s.substr(0, n);
  s.remove_prefix(n);
  return name;
}

// After a list item: ',' continues the list, ':' ends it.
std::string end_of_item(std::string_view& s, bool& more) {
  if (s.starts_with(',')) {
    more = true;
  } else if (s.starts_with(':')) {
    more = false;
  } else {
    return "malformed signature";
  }
  s.remove_prefix(1);
  return {};
}

std::string parse_value(std::string_view& s, P0fHttpHeader& h) {
  if (!s.starts_with("=[")) return "missing '[' after '='";
  size_t close = s.find(']', 2);
  if (close == std::string_view::npos || close == 2) return "malformed header value";
  h.value = std::string(s.substr(2, close - 2));
  h.has_value = true;
  s.remove_prefix(close + 1);
  return {};
}

std::string parse_horder(std::string_view& s, P0fHttpSig& sig) {
  for (bool more = !s.starts_with(':'); more;) {
    if (sig.headers.size() >= kP0fMaxHttpHeaders) return "too many headers listed";
    P0fHttpHeader h;
    if (s.starts_with('?')) {
      h.optional = true;
      s.remove_prefix(1);
    }
    h.name = std::string(take_name(s));
    if (h.name.empty()) return "malformed header name";
    if (s.starts_with('=')) {
      if (std::string e = parse_value(s, h); !e.empty()) return e;
    }
    sig.headers.push_back(std::move(h));
    if (std::string e = end_of_item(s, more); !e.empty()) return e;
  }
  if (sig.headers.empty()) s.remove_prefix(1);
  return {};
}

std::string parse_habsent(std::string_view& s, P0fHttpSig& sig) {
  for (bool more = !s.starts_with(':'); more;) {
    if (sig.absent.size() >= kP0fMaxHttpHeaders) return "too many headers listed";
    std::string_view name = take_name(s);
    if (name.empty()) return "malformed header name";
    sig.absent.emplace_back(name);
    if (std::string e = end_of_item(s, more); !e.empty()) return e;
  }
  if (sig.absent.empty()) s.remove_prefix(1);
  return {};
}

}  // namespace

std::string parse_p0f_http_sig(std::string_view s, P0fHttpSig& sig) {
  if (s.size() < 2 || s[1] != ':') return "malformed signature";
  if (s[0] == '0')
    sig.http_version = 0;
  else if (s[0] == '1')
    sig.http_version = 1;
  else if (s[0] == '*')
    sig.http_version = -1;
  else
    return "bad HTTP version";
  s.remove_prefix(2);
  if (s.empty()) return "malformed signature";
  if (std::string e = parse_horder(s, sig); !e.empty()) return e;
  if (s.empty()) return "malformed signature: no habsent field";
  if (std::string e = parse_habsent(s, sig); !e.empty()) return e;
  if (s.find(':') != std::string_view::npos) return "malformed signature: ':' in expsw";
  sig.software = std::string(s);
  return {};
}

}  // namespace fp::identify
