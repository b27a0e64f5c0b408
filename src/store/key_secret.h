#pragma once
// API key secrets, the same in both backends. The secret is `fpk_<id>_<random>`: the id finds
// the row, and only the SHA-256 of the whole secret is stored, so a copy of the database gives
// no working key. The random part is 256 bits from the kernel (getrandom), so a fast unsalted
// hash is enough: there is nothing to guess.

#include <string>
#include <string_view>

namespace fp::store {

struct NewSecret {
  std::string id;      // 16 lower-case hex digits
  std::string secret;  // fpk_<id>_<64 hex digits>
  std::string sha256;  // hex digest of `secret`, the stored form
};

// False (and `error`) when the kernel gives no random bytes.
[[nodiscard]] bool make_secret(NewSecret& out, std::string& error);

// The id inside a secret of our shape, or "" when it is not one.
[[nodiscard]] std::string_view id_of_secret(std::string_view secret);

// Whether `secret` hashes to `stored_sha256`, comparing every byte whatever the first difference
// so that timing tells nothing about the digest. Hashes even when `stored_sha256` is empty (an
// unknown id), so that an unknown id takes as long as a wrong secret.
[[nodiscard]] bool secret_matches(std::string_view secret, std::string_view stored_sha256);

}  // namespace fp::store
