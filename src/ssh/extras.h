#pragma once
// FoxIO's `ssh_extras` of an SSH stream (Rust ja4 ssh.rs); a member is absent where the
// reference writes null.

#include <optional>
#include <string>

#include "core/fingerprint.h"

namespace fp::ssh {

struct SshExtras {
  std::optional<Fingerprint> hassh, hassh_server;               // ssh/hassh.h
  std::optional<std::string> protocol_client, protocol_server;  // identification lines
  std::optional<std::string> encryption_algorithm;              // ssh/hassh.h ja4ssh_encryption
};

}  // namespace fp::ssh
