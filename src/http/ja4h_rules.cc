#include "http/ja4h_rules.h"

#include <algorithm>

#include "http/text.h"

namespace fp::http {
namespace {

void pad_to(std::string& s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), '0');
}

}  // namespace

std::string ja4h_method(std::string_view method) {
  std::string out;
  for (char c : method) {
    if (out.size() == 2) break;
    if (is_alpha(c)) out += to_lower(c);
  }
  pad_to(out, 2);
  return out;
}

std::string ja4h_version(std::string_view version) {
  const size_t slash = version.find('/');
  std::string out;
  if (slash != std::string_view::npos) {
    for (char c : version.substr(slash + 1)) {
      if (out.size() == 2) break;
      if (is_digit(c)) out += c;
    }
  }
  pad_to(out, 2);
  return out;
}

std::string ja4h_header_count(size_t count) {
  const size_t n = std::min<size_t>(count, 99);
  return {static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

std::string ja4h_language(std::string_view accept_language) {
  std::string_view tag = trim_ows(accept_language);
  tag = trim_ows(tag.substr(0, tag.find_first_of(",;")));
  std::string out;
  for (char c : tag) {
    if (out.size() == 4) break;
    if (c != '-') out += to_lower(c);
  }
  pad_to(out, 4);
  return out;
}

void append_cookie_fields(std::string_view value, std::vector<CookieField>& out) {
  while (!value.empty()) {
    const size_t semi = value.find(';');
    const std::string_view pair = trim_ows(value.substr(0, semi));
    value.remove_prefix(semi == std::string_view::npos ? value.size() : semi + 1);
    if (pair.empty()) continue;
    out.push_back({trim_ows(pair.substr(0, pair.find('='))), pair});
  }
}

std::vector<CookieField> sort_cookie_fields(std::vector<CookieField> cookies) {
  std::stable_sort(cookies.begin(), cookies.end(),
                   [](const CookieField& a, const CookieField& b) { return a.name < b.name; });
  return cookies;
}

}  // namespace fp::http
