#pragma once
// Small ASCII helpers shared by the HTTP parsers and fingerprints. Internal to src/http: header
// names are compared case-insensitively (RFC 9110 5.1) but kept as sent for fingerprints.

#include <string>
#include <string_view>

#include "core/byte_reader.h"
#include "http/request.h"

namespace fp::http {

// The bytes as characters; the view lives as long as `data`.
[[nodiscard]] inline std::string_view as_text(Bytes data) noexcept {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
[[nodiscard]] constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
[[nodiscard]] constexpr bool is_alnum(char c) noexcept { return is_alpha(c) || is_digit(c); }
[[nodiscard]] constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

// Without leading and trailing SP and HTAB (RFC 9110 5.6.3 OWS).
[[nodiscard]] std::string_view trim_ows(std::string_view s) noexcept;
// Without leading and trailing SP only.
[[nodiscard]] std::string_view trim_spaces(std::string_view s) noexcept;

// The first header whose name equals `lower_name` ignoring case, or nullptr.
[[nodiscard]] const Header* find_header(const HttpRequest& request,
                                        std::string_view lower_name) noexcept;

}  // namespace fp::http
