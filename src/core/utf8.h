#pragma once
// Text that came off the wire (SNI, ALPN, User-Agent, paths) may be any bytes; JSON output must
// be UTF-8. Each byte that does not start a well-formed sequence becomes U+FFFD.

#include <string>
#include <string_view>

namespace fp {

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;
[[nodiscard]] std::string to_valid_utf8(std::string_view text);

}  // namespace fp
