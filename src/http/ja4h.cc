#include "http/ja4h.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "http/ja4h_rules.h"
#include "http/text.h"

namespace fp::http {
namespace {

std::string join(const std::vector<std::string_view>& parts, char sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// The parts of a request that JA4H reads, collected in one pass over the header list.
struct Ja4hInputs {
  bool cookie = false;
  bool referer = false;
  std::string_view language;
  bool has_language = false;
  std::vector<std::string_view> headers;  // counted and hashed names, as sent
  std::vector<CookieField> cookies;       // in original order
};

Ja4hInputs collect(const HttpRequest& request, const Ja4hOptions& options) {
  Ja4hInputs in;
  for (const Header& h : request.headers) {
    if (iequals(h.name, "cookie")) {
      in.cookie = true;
      append_cookie_fields(h.value, in.cookies);
      continue;
    }
    if (iequals(h.name, "referer")) {
      in.referer = true;
      continue;
    }
    if (is_pseudo_header(h.name) && !options.count_pseudo_headers) continue;
    if (!in.has_language && iequals(h.name, "accept-language")) {
      in.has_language = true;
      in.language = h.value;
    }
    in.headers.push_back(h.name);
  }
  return in;
}

std::string part_a(const HttpRequest& request, const Ja4hInputs& in) {
  std::string a = ja4h_method(request.method);
  a += ja4h_version(request.version);
  a += in.cookie ? 'c' : 'n';
  a += in.referer ? 'r' : 'n';
  a += ja4h_header_count(in.headers.size());
  a += in.has_language ? ja4h_language(in.language) : std::string("0000");
  return a;
}

struct CookieLists {
  std::string names;
  std::string pairs;
};

CookieLists cookie_lists(const std::vector<CookieField>& cookies) {
  std::vector<std::string_view> names;
  std::vector<std::string_view> pairs;
  for (const CookieField& c : cookies) {
    names.push_back(c.name);
    pairs.push_back(c.pair);
  }
  return {join(names, ','), join(pairs, ',')};
}

}  // namespace

Ja4h ja4h(const HttpRequest& request, Ja4hOptions options) {
  const Ja4hInputs in = collect(request, options);
  const std::string a = part_a(request, in);
  const std::string headers = join(in.headers, ',');
  const CookieLists original = cookie_lists(in.cookies);
  const CookieLists sorted = cookie_lists(sort_cookie_fields(in.cookies));

  Ja4h out;
  out.ja4h = a + '_' + sha256_hex12(headers) + '_' + sha256_hex12(sorted.names) + '_' +
             sha256_hex12(sorted.pairs);
  out.ja4h_r = a + '_' + headers + '_' + sorted.names + '_' + sorted.pairs;
  out.ja4h_ro = a + '_' + headers + '_' + original.names + '_' + original.pairs;
  return out;
}

std::string header_order(const HttpRequest& request) {
  std::vector<std::string_view> names;
  names.reserve(request.headers.size());
  for (const Header& h : request.headers) names.push_back(h.name);
  return join(names, ',');
}

}  // namespace fp::http
