#pragma once
// Digests used by the fingerprints, as lower-case hex. Backed by OpenSSL; no OpenSSL type leaks.

#include <string>
#include <string_view>

namespace fp {

[[nodiscard]] std::string md5_hex(std::string_view data);
[[nodiscard]] std::string sha256_hex(std::string_view data);

// The first 12 hex characters of SHA-256, as JA4 and its relatives use; an empty input gives
// `000000000000` (JA4.md "Cipher hash": an empty list is not hashed).
[[nodiscard]] std::string sha256_hex12(std::string_view data);

}  // namespace fp
