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
// Transport parameters read from one quic_transport_parameters extension: RFC 9000 defines 17,
// deployed stacks add a handful and one GREASE parameter.
inline constexpr size_t kMaxQuicTransportParameters = 64;
// Settings read from a client's HTTP/3 SETTINGS frame: RFC 9114 and its extensions define a
// handful; browsers send about five and one GREASE setting.
inline constexpr size_t kMaxHttp3Settings = 64;
// Bytes of the client's HTTP/3 control stream held while waiting for its SETTINGS frame, and
// 1-RTT client datagrams opened looking for it before giving up.
inline constexpr size_t kMaxHttp3ControlBytes = 4096;
inline constexpr size_t kMaxQuicControlDatagrams = 64;

}  // namespace fp::limits
