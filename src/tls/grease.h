#pragma once
// GREASE (RFC 8701): reserved values 0x0a0a, 0x1a1a, ... 0xfafa that clients sprinkle into every
// list so servers tolerate unknown values. Fingerprints drop them everywhere (TRAPS.md).

#include <cstdint>
#include <span>
#include <vector>

namespace fp::tls {

[[nodiscard]] constexpr bool is_grease(uint16_t v) noexcept {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

[[nodiscard]] std::vector<uint16_t> without_grease(std::span<const uint16_t> values);

}  // namespace fp::tls
