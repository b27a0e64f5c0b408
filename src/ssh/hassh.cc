#include "ssh/hassh.h"

#include "core/hash.h"

namespace fp::ssh {
namespace {

Fingerprint of(std::string raw) {
  Fingerprint f;
  f.hash = md5_hex(raw);
  f.raw = std::move(raw);
  return f;
}

}  // namespace

Fingerprint hassh(const KexInit& c) {
  return of(c.kex + ';' + c.encryption_c2s + ';' + c.mac_c2s + ';' + c.compression_c2s);
}

Fingerprint hassh_server(const KexInit& s) {
  return of(s.kex + ';' + s.encryption_s2c + ';' + s.mac_s2c + ';' + s.compression_s2c);
}

std::string ja4ssh_encryption(const KexInit& client, const KexInit& server) {
  // negotiated() returns the first name of its first list found in the second.
  return negotiated(server.encryption_s2c, client.encryption_c2s);
}

}  // namespace fp::ssh
