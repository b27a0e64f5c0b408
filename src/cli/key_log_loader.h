#pragma once
// The TLS secrets `analyze` decrypts with: a key log file named by --keylog, and the Decryption
// Secrets Blocks of each pcapng read (decrypt/pcapng_secrets.h). Bad lines are reported on
// stderr with their count, never fatal.

#include <optional>
#include <string>

#include "capture/counters.h"
#include "decrypt/key_log.h"

namespace fp::cli {

// Reads an NSS key log file into `out`. False (with a message on stderr) when it cannot be read.
bool read_key_log_file(const std::string& path, decrypt::KeyLog& out);

// The secrets for the capture at `path`: a copy of `base` (the --keylog file; may be null)
// plus the key logs of the file's own secrets blocks. nullopt when there are none at all.
[[nodiscard]] std::optional<decrypt::KeyLog> key_log_for_capture(const std::string& path,
                                                                 const decrypt::KeyLog* base,
                                                                 bool stats);

}  // namespace fp::cli
