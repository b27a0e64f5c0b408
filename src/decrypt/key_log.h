#pragma once
// NSS key log files (SSLKEYLOGFILE; the format curl, Firefox, Chrome and OpenSSL write, and that
// pcapng Decryption Secrets Blocks carry): one "LABEL <client_random hex> <secret hex>" per
// line, '#' comments. Labels read: CLIENT_RANDOM (TLS 1.2 master secret), the TLS 1.3
// CLIENT/SERVER_HANDSHAKE_TRAFFIC_SECRET and CLIENT/SERVER_TRAFFIC_SECRET_0. Other known labels
// (EARLY_EXPORTER_SECRET, EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, RSA) are skipped; an
// unknown label or a malformed line is counted as bad, never fatal.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"

namespace fp::decrypt {

using ClientRandom = std::array<uint8_t, 32>;

// The secrets one connection (one ClientHello random) may have; empty when not logged.
struct TlsSecrets {
  std::vector<uint8_t> master_secret;  // TLS 1.2, 48 bytes
  std::vector<uint8_t> client_handshake;
  std::vector<uint8_t> server_handshake;
  std::vector<uint8_t> client_application;  // CLIENT_TRAFFIC_SECRET_0
  std::vector<uint8_t> server_application;  // SERVER_TRAFFIC_SECRET_0
};

struct KeyLogStats {
  size_t lines = 0;     // non-empty, non-comment lines
  size_t accepted = 0;  // lines whose secret was stored
  size_t skipped = 0;   // well-formed lines of a label we do not need
  size_t bad = 0;       // malformed lines or unknown labels
};

// Secrets a key log of this many connections holds at most; later lines are counted as bad.
inline constexpr size_t kMaxKeyLogConnections = 1 << 20;
// The longest secret a line may carry (SHA-384 secrets are 48 bytes).
inline constexpr size_t kMaxSecretLength = 64;

class KeyLog {
 public:
  // Adds the lines of `text` (a whole file or a DSB's payload); LF or CRLF line ends.
  KeyLogStats add_text(std::string_view text) noexcept;

  // The secrets logged for this ClientHello random, or nullptr.
  [[nodiscard]] const TlsSecrets* find(Bytes client_random) const noexcept;

  [[nodiscard]] size_t size() const noexcept { return secrets_.size(); }
  [[nodiscard]] bool empty() const noexcept { return secrets_.empty(); }

 private:
  enum class LineResult : uint8_t { kAccepted, kSkipped, kBad };
  LineResult add_line(std::string_view line);

  std::map<ClientRandom, TlsSecrets> secrets_;
};

}  // namespace fp::decrypt
