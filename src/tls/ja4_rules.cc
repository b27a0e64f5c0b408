#include "tls/ja4_rules.h"

#include <algorithm>
#include <array>

#include "core/hex.h"
#include "tls/grease.h"

namespace fp::tls {
namespace {

struct VersionName {
  uint16_t version;
  std::string_view code;
};

// JA4.md "TLS and DTLS Version".
constexpr std::array<VersionName, 9> kVersionCodes{{
    {0x0304, "13"},
    {0x0303, "12"},
    {0x0302, "11"},
    {0x0301, "10"},
    {0x0300, "s3"},
    {0x0002, "s2"},
    {0xfeff, "d1"},
    {0xfefd, "d2"},
    {0xfefc, "d3"},
}};

bool is_alnum(uint8_t c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

// JA4.md "TLS and DTLS Version": the highest supported_versions value, GREASE ignored. The
// numeric maximum is right for TLS; DTLS counts down (0xfefc is 1.3), which we do not fingerprint.
uint16_t ja4_version(const ClientHello& hello) noexcept {
  uint16_t best = 0;
  bool found = false;
  for (uint16_t v : hello.supported_versions) {
    if (is_grease(v)) continue;
    best = found ? std::max(best, v) : v;
    found = true;
  }
  return found ? best : hello.legacy_version;
}

std::string_view version_code(uint16_t version) noexcept {
  for (const VersionName& v : kVersionCodes) {
    if (v.version == version) return v.code;
  }
  return "00";
}

std::string count2(size_t n) {
  n = std::min<size_t>(n, 99);
  return {static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

// JA4.md "ALPN Extension Value", with its hex fallback: when either end is not ASCII
// alphanumeric, the first hex digit of the first byte and the last hex digit of the last byte.
std::string alpn_code(std::string_view first_alpn) {
  if (first_alpn.empty()) return "00";
  const auto first = static_cast<uint8_t>(first_alpn.front());
  const auto last = static_cast<uint8_t>(first_alpn.back());
  if (is_alnum(first) && is_alnum(last)) {
    return {static_cast<char>(first), static_cast<char>(last)};
  }
  return {kHexDigits[first >> 4], kHexDigits[last & 0xf]};
}

std::string hex_list(std::span<const uint16_t> values) {
  std::string out;
  out.reserve(values.size() * 5);
  for (uint16_t v : values) {
    if (!out.empty()) out.push_back(',');
    append_hex4(out, v);
  }
  return out;
}

}  // namespace fp::tls
