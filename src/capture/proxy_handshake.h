#pragma once
// Proxy handshakes at the start of a TCP stream, so that the capture layer can skip them and
// fingerprint the TLS (or HTTP) that the tunnel carries. Pure and bounded: each function looks at
// the first bytes of one direction and says how many belong to the handshake.
//
//   SOCKS4 / 4a  client: VN=4 CD=1 DSTPORT(2) DSTIP(4) USERID NUL [HOSTNAME NUL when DSTIP is
//                0.0.0.x, x != 0 (4a)]; server: VN=0 CD(90 granted, 91-93 refused) PORT(2) IP(4)
//                ("SOCKS: A protocol for TCP proxy across firewalls", and the SOCKS 4A note).
//   SOCKS5       client: greeting VER=5 NMETHODS METHODS, then RFC 1929 username/password when
//                method 0x02 was offered and the next byte is its version 1, then the request
//                VER=5 CMD=1 RSV=0 ATYP DST.ADDR DST.PORT (RFC 1928 3, 4, 5); server: method
//                selection VER=5 METHOD, RFC 1929 status VER=1 STATUS when METHOD is 0x02, then
//                the reply VER=5 REP RSV=0 ATYP BND.ADDR BND.PORT (RFC 1928 6).
//   HTTP CONNECT client: "CONNECT authority HTTP/1.x" CRLF, header fields, CRLF; server: a 2xx
//                status line and header fields, the tunnel starting after the empty line; 1xx
//                interim responses before it are skipped (RFC 9110 9.3.6, 15.2).
//
// Only CONNECT is followed: SOCKS BIND and UDP ASSOCIATE carry no TLS on this connection.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/byte_reader.h"

namespace fp::capture {

// SOCKS4 USERID and SOCKS4a HOSTNAME, each NUL-terminated: the protocol text sets no bound;
// 255 is SOCKS5's for the same fields (RFC 1928 5, RFC 1929 2).
inline constexpr size_t kMaxSocks4Field = 255;
// HTTP CONNECT request or response head (line and fields), and interim responses skipped.
inline constexpr size_t kMaxConnectHead = 16 * 1024;
inline constexpr size_t kMaxInterimResponses = 8;

enum class ProxyKind : uint8_t { kSocks4, kSocks5, kHttpConnect };

[[nodiscard]] std::string_view describe(ProxyKind kind) noexcept;

enum class ProxyError : uint8_t {
  kNone,
  kNotProxy,     // the first bytes are not this handshake
  kBadField,     // a version, reserved byte, address type or length that is not allowed
  kUnsupported,  // a valid handshake we cannot follow (BIND, UDP ASSOCIATE, GSSAPI)
  kTooLong,      // a field or head past kMaxSocks4Field / kMaxConnectHead
};

[[nodiscard]] std::string_view describe(ProxyError error) noexcept;

enum class ProxyStatus : uint8_t { kNeedMore, kDone, kError };

struct ProxyScan {
  ProxyStatus status = ProxyStatus::kNeedMore;
  ProxyKind kind = ProxyKind::kSocks4;
  size_t consumed = 0;   // bytes of the handshake, when kDone
  bool granted = false;  // replies: the proxy opened the tunnel (requests: always true when kDone)
  ProxyError error = ProxyError::kNone;
};

// The client's side: which proxy protocol the stream starts with and where the tunnelled bytes
// begin. kNeedMore while the bytes are a proper prefix of a handshake; kError (kNotProxy) as soon
// as they cannot be one, which for TLS or a non-CONNECT HTTP request is the first byte.
[[nodiscard]] ProxyScan scan_proxy_request(Bytes data) noexcept;

// The server's side, for the handshake the client started. kDone with `granted` false when the
// proxy refused (SOCKS4 91-93, SOCKS5 no acceptable method, failed authentication or REP != 0,
// HTTP status other than 1xx/2xx): no tunnel follows.
[[nodiscard]] ProxyScan scan_proxy_reply(ProxyKind kind, Bytes data) noexcept;

}  // namespace fp::capture
