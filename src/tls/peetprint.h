#pragma once
// PeetPrint (TrackMe, pagpeter): a '|'-joined description of a ClientHello in which GREASE is
// kept as the token "GREASE" and extensions are sorted; hashed with MD5.
//   versions|alpn|groups|signature_algorithms|psk_modes|cert_compression|ciphers|extensions

#include "core/fingerprint.h"
#include "tls/client_hello.h"

namespace fp::tls {

[[nodiscard]] Fingerprint peetprint(const ClientHello& hello);

}  // namespace fp::tls
