#include "http/text.h"

namespace fp::http {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

namespace {

std::string_view trim_chars(std::string_view s, std::string_view chars) noexcept {
  const size_t first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  const size_t last = s.find_last_not_of(chars);
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string_view trim_ows(std::string_view s) noexcept { return trim_chars(s, " \t"); }
std::string_view trim_spaces(std::string_view s) noexcept { return trim_chars(s, " "); }

const Header* find_header(const HttpRequest& request, std::string_view lower_name) noexcept {
  for (const Header& h : request.headers) {
    if (iequals(h.name, lower_name)) return &h;
  }
  return nullptr;
}

}  // namespace fp::http
