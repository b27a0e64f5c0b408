#pragma once
// Internal to src/tcp: p0f 3.09b's walk over TCP option bytes (process.c, parse_packet).

#include <array>
#include <cstdint>

#include "core/byte_reader.h"

namespace fp::tcp::detail {

// p0f's MAX_TCP_OPT: options past the 24th are not read, and leave the "bad" quirk.
inline constexpr size_t kP0fMaxOptions = 24;

struct P0fOptionWalk {
  std::array<uint8_t, kP0fMaxOptions> layout{};  // option kinds in wire order
  size_t count = 0;
  size_t eol_pad = 0;  // bytes after the EOL option
  uint16_t mss = 0;
  uint8_t wscale = 0;
  uint32_t ts1 = 0;
  uint32_t quirks = 0;  // P0fQuirk bits from options: ts1-, ts2+, opt+, exws, bad
};

// `syn_only`: the packet is a plain SYN (only then does a nonzero peer timestamp count).
[[nodiscard]] P0fOptionWalk walk_p0f_options(Bytes options, bool syn_only) noexcept;

}  // namespace fp::tcp::detail
