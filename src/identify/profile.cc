// Fingerprint kinds, their value checks, and profile ids.
#include <algorithm>
#include <array>

#include "identify/profile.h"

namespace fp::identify {
namespace {

constexpr std::array<std::string_view, kFingerprintKinds> kKeys = {
    "ja4", "ja3n", "ja4h", "akamai", "ja4t", "ja4s", "ja4x", "ja4tscan"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }

bool all(std::string_view s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// JA4.md: t13d1516h2_8daaf6152771_e5627efa2ab1 (q for QUIC, d for DTLS; i without SNI).
std::string_view ja4_problem(std::string_view v) {
  const auto p = split(v, '_');
  if (p.size() != 3) return "expected three parts joined by '_'";
  const std::string_view a = p[0];
  if (a.size() != 10 || (a[0] != 't' && a[0] != 'q' && a[0] != 'd') || !all(a, is_alnum) ||
      (a[3] != 'd' && a[3] != 'i') || !all(a.substr(4, 4), is_digit)) {
    return "first part is not like t13d1516h2";
  }
  if (p[1].size() != 12 || p[2].size() != 12 || !all(p[1], is_hex) || !all(p[2], is_hex)) {
    return "hash parts must be 12 lower-case hex digits";
  }
  return {};
}

// JA4H has 2 to 4 parts (no cookies: 2, older tools print 3); the hash parts are hex.
std::string_view ja4h_problem(std::string_view v) {
  const auto p = split(v, '_');
  // The language part (the last four characters of part a) keeps whatever the client sent, so
  // Node's `Accept-Language: *` gives `*000`: only the first eight are letters and digits.
  const auto printable = [](char c) { return c > ' ' && c < 0x7f && c != '_'; };
  if (p.size() < 2 || p.size() > 4 || p[0].size() != 12 || !all(p[0].substr(0, 8), is_alnum) ||
      !all(p[0].substr(8), printable)) {
    return "expected ge11cn020000_ followed by 1 to 3 hex parts";
  }
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i].empty() || p[i].size() > 12 || !all(p[i], is_hex)) return "bad hex part";
  }
  return {};
}

std::string_view hashed_parts_problem(std::string_view v, size_t parts) {
  const auto p = split(v, '_');
  if (p.size() != parts) return "wrong number of '_'-separated parts";
  for (std::string_view part : p) {
    if (part.empty() || !all(part, is_alnum)) return "parts must be lower-case letters and digits";
  }
  return {};
}

// JA4T: window_options_mss_wscale, options decimal joined by '-' (may be empty).
std::string_view ja4t_problem(std::string_view v) {
  const auto p = split(v, '_');
  if (p.size() < 4 || p.size() > 5) return "expected window_options_mss_wscale";
  for (std::string_view part : p) {
    if (!all(part, [](char c) { return is_digit(c) || c == '-'; })) return "digits and '-' only";
  }
  return {};
}

std::string_view akamai_problem(std::string_view v) {
  if (split(v, '|').size() != 4) return "expected SETTINGS|WINDOW_UPDATE|PRIORITY|PSEUDO_HEADERS";
  if (!all(v, [](char c) { return c > ' ' && c < 127; })) return "printable, no spaces";
  return {};
}

}  // namespace

std::string_view key_of(FingerprintKind kind) noexcept { return kKeys[static_cast<size_t>(kind)]; }

std::optional<FingerprintKind> fingerprint_kind(std::string_view key) noexcept {
  for (size_t i = 0; i < kKeys.size(); ++i) {
    if (kKeys[i] == key) return static_cast<FingerprintKind>(i);
  }
  return std::nullopt;
}

std::string_view fingerprint_problem(FingerprintKind kind, std::string_view value) {
  switch (kind) {
    case FingerprintKind::kJa4:
      return ja4_problem(value);
    case FingerprintKind::kJa3n:
      return value.size() == 32 && all(value, is_hex) ? "" : "expected 32 lower-case hex digits";
    case FingerprintKind::kJa4h:
      return ja4h_problem(value);
    case FingerprintKind::kAkamai:
      return akamai_problem(value);
    case FingerprintKind::kJa4t:
    case FingerprintKind::kJa4tscan:
      return ja4t_problem(value);
    case FingerprintKind::kJa4s:
      return hashed_parts_problem(value, 3);
    case FingerprintKind::kJa4x:
      return hashed_parts_problem(value, 3);
  }
  return "unknown kind";
}

bool is_profile_id(std::string_view id) noexcept {
  return !id.empty() && id.size() <= 128 &&
         all(id, [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

std::string to_profile_id(std::string_view text) {
  std::string id;
  for (char c : text) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const bool ok = is_alnum(lower) || lower == '.' || lower == '_' || lower == '-';
    id.push_back(ok ? lower : '-');
  }
  return id.substr(0, 128);
}

}  // namespace fp::identify
