#pragma once
// Every limit on untrusted input, in one place (STYLE.md 9). Where a limit trips, the boundary
// that enforces it counts the event; the pure parsers only report it.

#include <cstddef>

namespace fp::limits {

// Largest TLS handshake message we reassemble. A post-quantum ClientHello is about 1.8 KB; real
// certificate chains reach tens of KB. 64 KiB covers both with room and bounds memory per flow.
inline constexpr size_t kMaxHandshakeMessage = 64 * 1024;
// Bytes of each direction of a TCP stream kept for fingerprinting (hellos, HTTP heads, preface).
inline constexpr size_t kMaxStreamPrefix = 64 * 1024;
// Out-of-order TCP segments held per direction while waiting for the gap to fill.
inline constexpr size_t kMaxPendingSegments = 64;
// HTTP/1 request head (request line + headers), as most servers cap it.
inline constexpr size_t kMaxHttpHead = 64 * 1024;
inline constexpr size_t kMaxHttpHeaders = 256;
// HTTP/2 frames read from a connection preface, and the decoded header block size.
inline constexpr size_t kMaxHttp2PrefaceFrames = 64;
inline constexpr size_t kMaxHttp2HeaderBlock = 64 * 1024;
// Flows tracked at once while reading a capture; the oldest idle flow is evicted past this.
inline constexpr size_t kMaxFlows = 1 << 18;
// Finished flows remembered (a few dozen bytes each) so that late packets and a reused 5-tuple
// get the stream numbers tshark gives them; the oldest is forgotten past this.
inline constexpr size_t kMaxClosedFlows = 1 << 16;
// Requests fingerprinted per plain-text HTTP/1 stream.
inline constexpr size_t kMaxHttpRequestsPerStream = 1024;

}  // namespace fp::limits
