#pragma once
// HASSH (Salesforce, https://github.com/salesforce/hassh): the MD5 of the algorithms one side
// of an SSH connection offers in its SSH_MSG_KEXINIT, as tshark 4.0 computes `ssh.kex.hassh`
// and `ssh.kex.hasshserver`:
//
//   hassh        = MD5("kex;encryption_c2s;mac_c2s;compression_c2s")   from the client's KEXINIT
//   hassh_server = MD5("kex;encryption_s2c;mac_s2c;compression_s2c")   from the server's KEXINIT
//
// The pre-hash string is kept beside the hash (STYLE.md 11).

#include <string>

#include "core/fingerprint.h"
#include "ssh/kexinit.h"

namespace fp::ssh {

[[nodiscard]] Fingerprint hassh(const KexInit& client);
[[nodiscard]] Fingerprint hassh_server(const KexInit& server);

// FoxIO's `encryption_algorithm` (Rust ja4 ssh.rs): the first cipher of the server's
// server-to-client list that the client's client-to-server list also holds; "" when none.
// (This is not RFC 4253's negotiation, which goes by the client's order; it is what the
// reference reports.)
[[nodiscard]] std::string ja4ssh_encryption(const KexInit& client, const KexInit& server);

}  // namespace fp::ssh
