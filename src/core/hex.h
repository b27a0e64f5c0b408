#pragma once
// Hex and base64 text for byte strings, and the fixed-width hex of TLS code points.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"

namespace fp {

[[nodiscard]] std::string hex_encode(Bytes data);

// Four lower-case hex digits, as JA4 writes cipher and extension code points ("c02b").
void append_hex4(std::string& out, uint16_t value);
[[nodiscard]] std::string hex4(uint16_t value);

// Accepts upper or lower case, and ignores whitespace and ':' separators. nullopt on an odd
// number of digits or a non-hex character.
[[nodiscard]] std::optional<std::vector<uint8_t>> hex_decode(std::string_view text);

// Standard or URL-safe alphabet, padding optional, whitespace ignored.
[[nodiscard]] std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);
[[nodiscard]] std::string base64_encode(Bytes data);

}  // namespace fp
