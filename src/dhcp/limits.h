#pragma once
// Limits of the DHCP readers (STYLE.md 9); the capture boundary counts when one trips.

#include <cstddef>

namespace fp::dhcp::limits {

// Option codes kept per message (a datagram cannot hold many more: each takes 2 or 4 bytes).
inline constexpr size_t kMaxOptions = 1024;
// DHCPv6 options nested in options (IA_NA > IA Address > Status Code is two levels).
inline constexpr int kMaxNesting = 4;
// JA4D values kept per UDP flow; later messages are counted, not kept.
inline constexpr size_t kMaxJa4dPerFlow = 1024;

}  // namespace fp::dhcp::limits
