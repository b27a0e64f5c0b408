#pragma once
// JA4 (BSD-3-Clause, FoxIO) and JA4S (FoxIO License 1.1), spec: testdata/ja4/spec/JA4.md.
//   JA4    t13d1516h2_8daaf6152771_e5627efa2ab1   (sorted, hashed)
//   JA4_r  the same, the sorted lists written out
//   JA4_o  original wire order (SNI and ALPN kept), hashed
//   JA4_ro original wire order, written out

#include <string>

#include "core/fingerprint.h"
#include "tls/client_hello.h"
#include "tls/server_hello.h"

namespace fp::tls {

enum class TlsTransport : char { kTcp = 't', kQuic = 'q', kDtls = 'd' };

struct Ja4 {
  std::string ja4, ja4_r, ja4_o, ja4_ro;
};

struct Ja4s {
  std::string ja4s, ja4s_r;
};

// All four forms. A caller that needs only the canonical JA4 should call ja4_canonical().
[[nodiscard]] Ja4 ja4(const ClientHello& hello, TlsTransport transport = TlsTransport::kTcp);

// The canonical JA4 alone (`ja4(hello).ja4`), without the _r, _o and _ro forms: one raw string
// and two SHA-256 instead of two raw strings and four SHA-256.
[[nodiscard]] std::string ja4_canonical(const ClientHello& hello,
                                        TlsTransport transport = TlsTransport::kTcp);

// JA4 computed as if the resumption, PSK, early-data and padding extensions (0x0023, 0x0029,
// 0x002a, 0x0015) were absent, so a fresh and a resumed hello of one client agree. `raw` is in
// the JA4_r form, `hash` in the JA4 form. Offered beside the canonical JA4, never instead.
[[nodiscard]] Fingerprint ja4_stable(const ClientHello& hello,
                                     TlsTransport transport = TlsTransport::kTcp);

[[nodiscard]] Ja4s ja4s(const ServerHello& hello, TlsTransport transport = TlsTransport::kTcp);

}  // namespace fp::tls
