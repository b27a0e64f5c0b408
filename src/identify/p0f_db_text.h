#pragma once
// Small text helpers shared by the p0f.fp parser files (internal to src/identify/p0f_db*.cc).

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace fp::identify::p0f_text {

inline bool is_one_of(char c, std::string_view set) {
  return set.find(c) != std::string_view::npos;
}

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

template <typename Pred>
bool all_of(std::string_view s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

inline std::string_view trim_leading_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

inline std::string_view trim(std::string_view s) {
  s = trim_leading_blanks(s);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Splits on `sep`, keeping empty pieces ("a,,b" -> a, "", b; "" -> one empty piece).
inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t pos = 0;;) {
    size_t end = s.find(sep, pos);
    out.push_back(s.substr(pos, end == std::string_view::npos ? end : end - pos));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

// A decimal number of at most 9 digits filling all of `s`; nullopt otherwise.
inline std::optional<int32_t> number(std::string_view s) {
  if (s.empty() || s.size() > 9 || !all_of(s, [](char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  int32_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace fp::identify::p0f_text
