#include "identify/profile_fields.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/hex.h"
#include "identify/vocabulary.h"

namespace fp::identify::fields {
namespace {

bool all_of(std::string_view s, bool (*ok)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), ok);
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_version_char(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || c == '.'; }
bool is_header_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == ':' || c == ',';
}

// A version is digits first ("131", "131.0.6778.86", "91esr"); a range is two joined by '-'.
bool valid_version(std::string_view v) {
  const size_t dash = v.find('-');
  if (dash != std::string_view::npos) {
    return valid_version(v.substr(0, dash)) && valid_version(v.substr(dash + 1)) &&
           v.find('-', dash + 1) == std::string_view::npos;
  }
  return all_of(v, is_version_char) && is_digit(v.front());
}

// "id:value;id:value", both decimal, as the Akamai string's first field.
bool valid_settings(std::string_view s) {
  while (!s.empty()) {
    const size_t end = std::min(s.find(';'), s.size());
    const std::string_view item = s.substr(0, end);
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos || !all_of(item.substr(0, colon), is_digit) ||
        !all_of(item.substr(colon + 1), is_digit)) {
      return false;
    }
    s.remove_prefix(end == s.size() ? end : end + 1);
  }
  return true;
}

// A setter for a single text field whose word must pass `ok`.
template <std::string Profile::*member, bool (*ok)(std::string_view) noexcept>
std::string set_word(Profile& p, std::string_view v) {
  if (!ok(v)) return "'" + std::string(v) + "' is not in the vocabulary (docs/identities.md)";
  p.*member = v;
  return {};
}

bool any_text(std::string_view) noexcept { return true; }

template <FingerprintKind kind>
std::string set_fingerprint(Profile& p, std::string_view v) {
  const std::string_view why = fingerprint_problem(kind, v);
  if (!why.empty())
    return "bad " + std::string(key_of(kind)) + " '" + std::string(v) + "': " + std::string(why);
  p.of(kind).emplace_back(v);
  return {};
}

template <std::vector<uint16_t> Profile::*member>
std::string set_hex_list(Profile& p, std::string_view v) {
  auto list = parse_hex_list(v);
  if (!list)
    return "expected hex code points joined by ',' (e.g. 1301,c02b), got '" + std::string(v) + "'";
  p.*member = std::move(*list);
  return {};
}

std::string set_version(Profile& p, std::string_view v) {
  if (!valid_version(v))
    return "bad version '" + std::string(v) +
           "': expected 131, 116-131 "
           "or 131.0.6778.86";
  p.version = v;
  return {};
}

std::string set_header_order(Profile& p, std::string_view v) {
  if (!all_of(v, is_header_char) || v.front() == ',' || v.back() == ',' ||
      v.find(",,") != std::string_view::npos) {
    return "bad header_order '" + std::string(v) + "': lower-case names joined by ','";
  }
  p.header_orders.emplace_back(v);
  return {};
}

std::string set_h2_settings(Profile& p, std::string_view v) {
  if (!valid_settings(v)) return "bad h2_settings '" + std::string(v) + "': expected id:value;...";
  p.h2_settings = v;
  return {};
}

// In the order format_profile() writes them.
constexpr std::array kFields = {
    Field{"name", false, set_word<&Profile::name, is_client_name>},
    Field{"kind", false, set_word<&Profile::kind, is_client_kind>},
    Field{"tls_library", false, set_word<&Profile::tls_library, is_tls_library>},
    Field{"version", false, set_version},
    Field{"os", false, set_word<&Profile::os, is_os_name>},
    Field{"os_flavor", false, set_word<&Profile::os_flavor, any_text>},
    Field{"label", false, set_word<&Profile::label, any_text>},
    Field{"source", false, set_word<&Profile::source, any_text>},
    Field{"user_agent", false, set_word<&Profile::user_agent, any_text>},
    Field{"notes", false, set_word<&Profile::notes, any_text>},
    Field{"ja4", true, set_fingerprint<FingerprintKind::kJa4>},
    Field{"ja3n", true, set_fingerprint<FingerprintKind::kJa3n>},
    Field{"ja4h", true, set_fingerprint<FingerprintKind::kJa4h>},
    Field{"akamai", true, set_fingerprint<FingerprintKind::kAkamai>},
    Field{"ja4t", true, set_fingerprint<FingerprintKind::kJa4t>},
    Field{"ja4s", true, set_fingerprint<FingerprintKind::kJa4s>},
    Field{"ja4x", true, set_fingerprint<FingerprintKind::kJa4x>},
    Field{"ja4tscan", true, set_fingerprint<FingerprintKind::kJa4tscan>},
    Field{"header_order", true, set_header_order},
    Field{"ciphers", false, set_hex_list<&Profile::ciphers>},
    Field{"extensions", false, set_hex_list<&Profile::extensions>},
    Field{"groups", false, set_hex_list<&Profile::groups>},
    Field{"sig_algs", false, set_hex_list<&Profile::sig_algs>},
    Field{"h2_settings", false, set_h2_settings},
};

}  // namespace

const Field* find(std::string_view key) noexcept {
  for (const Field& f : kFields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

std::optional<std::vector<uint16_t>> parse_hex_list(std::string_view text) {
  std::vector<uint16_t> out;
  size_t start = 0;
  for (size_t comma = 0; comma != std::string_view::npos; start = comma + 1) {
    comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma - start);  // npos - start: the rest
    uint16_t value = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), value, 16);
    if (item.empty() || item.size() > 4 || ec != std::errc() || ptr != item.data() + item.size()) {
      return std::nullopt;
    }
    out.push_back(value);
  }
  return out;
}

std::string format_hex_list(const std::vector<uint16_t>& values) {
  std::string out;
  for (uint16_t v : values) {
    if (!out.empty()) out.push_back(',');
    append_hex4(out, v);
  }
  return out;
}

}  // namespace fp::identify::fields
