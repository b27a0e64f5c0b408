#pragma once
// Limits on QUIC Initial input (STYLE.md 9), beside those of core/limits.h. The capture boundary
// counts when one trips; the parsers here only report it.

#include <cstddef>

#include "core/limits.h"

namespace fp::limits {

// CRYPTO stream bytes held per direction while reassembling the first handshake message: the
// message itself (bounded by kMaxHandshakeMessage) and its 4-byte header.
inline constexpr size_t kMaxQuicCryptoBytes = kMaxHandshakeMessage + 4;
// Client datagrams read per UDP flow before giving up on finding a complete ClientHello. Chrome
// with a post-quantum key share needs two Initials; retransmissions and 0-RTT add a few.
inline constexpr size_t kMaxQuicInitialDatagrams = 32;

}  // namespace fp::limits
