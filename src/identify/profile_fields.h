#pragma once
// The `key = value` lines of a profile section as a table (STYLE.md 5): each key, whether it may
// repeat, and how its value is checked and stored. Shared by the parser and the formatter so the
// two cannot disagree on the key set.

#include <string>
#include <string_view>

#include "identify/profile.h"

namespace fp::identify::fields {

// Stores `value` into `profile`, or returns why it cannot (the profile is left unchanged).
using Setter = std::string (*)(Profile& profile, std::string_view value);

struct Field {
  std::string_view key;
  bool repeats;  // any number of lines (the fingerprints, header_order)
  Setter set;
};

// The field for `key`, or nullptr for an unknown key.
[[nodiscard]] const Field* find(std::string_view key) noexcept;

// "1301,1302,c02b" -> {0x1301, 0x1302, 0xc02b}; nullopt unless 1-4 hex digits per item.
[[nodiscard]] std::optional<std::vector<uint16_t>> parse_hex_list(std::string_view text);
[[nodiscard]] std::string format_hex_list(const std::vector<uint16_t>& values);

}  // namespace fp::identify::fields
