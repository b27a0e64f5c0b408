#pragma once
// JA3 and JA3S (Salesforce): decimal values joined by '-', fields by ',', GREASE removed, MD5.
//   JA3  = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
//   JA3S = SSLVersion,Cipher,Extensions
// JA3N is JA3 with the extension list sorted, so Chrome's per-connection permutation (since
// Chrome 110) does not change it.

#include "core/fingerprint.h"
#include "tls/client_hello.h"
#include "tls/server_hello.h"

namespace fp::tls {

[[nodiscard]] Fingerprint ja3(const ClientHello& hello);
[[nodiscard]] Fingerprint ja3n(const ClientHello& hello);
[[nodiscard]] Fingerprint ja3s(const ServerHello& hello);

}  // namespace fp::tls
