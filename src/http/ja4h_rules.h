#pragma once
// The JA4H normalisation rules as small named helpers (STYLE.md 12), each checked against the
// FoxIO reference outputs in testdata/ja4/expected. Spec: testdata/ja4/spec/JA4H.png, JA4H.md.

#include <string>
#include <string_view>
#include <vector>

namespace fp::http {

// JA4H_a method: the method's letters lower-cased, first two ("GET" -> "ge"). Non-letters are
// skipped, which is how the Wireshark plugin writes M-SEARCH as "ms"; padded with '0' if short.
[[nodiscard]] std::string ja4h_method(std::string_view method);

// JA4H_a version: the digits after "HTTP/", first two, padded with '0':
// "HTTP/1.1" -> "11", "HTTP/1.0" -> "10", "HTTP/2" -> "20", "HTTP/3" -> "30".
[[nodiscard]] std::string ja4h_version(std::string_view version);

// JA4H_a header count: two digits, capped at 99 (JA4H.md "Number of Headers").
[[nodiscard]] std::string ja4h_header_count(size_t count);

// JA4H_a language: the first language tag of Accept-Language (up to ',' or ';'), '-' removed,
// lower-cased, its first four characters, right-padded with '0'. Other characters stay, so
// Node's "*" gives "*000". An empty value gives "0000".
[[nodiscard]] std::string ja4h_language(std::string_view accept_language);

// HTTP/2 and HTTP/3 pseudo-header fields (":method", ":path" ...; RFC 9113 8.3).
[[nodiscard]] constexpr bool is_pseudo_header(std::string_view name) noexcept {
  return !name.empty() && name.front() == ':';
}

// One cookie of a Cookie header: its name and the whole "name=value" pair, both trimmed.
struct CookieField {
  std::string_view name;
  std::string_view pair;
};

// Splits a Cookie value at ';' (HTTP/2 may send several cookie fields; call once for each).
void append_cookie_fields(std::string_view value, std::vector<CookieField>& out);

// JA4H_c/_d order: by cookie name, byte-wise; cookies with equal names keep their order (the
// Python reference's stable sort). Sorting the pairs as whole strings would differ whenever a
// name is a prefix of another ("id" vs "id-hash"), and the reference outputs show it does not.
[[nodiscard]] std::vector<CookieField> sort_cookie_fields(std::vector<CookieField> cookies);

}  // namespace fp::http
