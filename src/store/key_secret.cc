#include "store/key_secret.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "core/hash.h"
#include "core/hex.h"

namespace fp::store {
namespace {

constexpr std::string_view kSecretPrefix = "fpk_";
constexpr size_t kIdBytes = 8;       // 16 hex digits
constexpr size_t kSecretBytes = 32;  // 64 hex digits

bool random_hex(size_t bytes, std::string& out) {
  std::vector<uint8_t> buffer(bytes);
  size_t filled = 0;
  while (filled < bytes) {
    const ssize_t got = getrandom(buffer.data() + filled, bytes - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    filled += static_cast<size_t>(got);
  }
  out = hex_encode(buffer);
  return true;
}

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace

bool make_secret(NewSecret& out, std::string& error) {
  std::string random;
  if (!random_hex(kIdBytes, out.id) || !random_hex(kSecretBytes, random)) {
    error = "no random bytes from the kernel";
    return false;
  }
  out.secret = std::string(kSecretPrefix) + out.id + "_" + random;
  out.sha256 = sha256_hex(out.secret);
  return true;
}

std::string_view id_of_secret(std::string_view secret) {
  constexpr size_t kIdLength = 2 * kIdBytes;
  const size_t length = kSecretPrefix.size() + kIdLength + 1 + 2 * kSecretBytes;
  if (secret.size() != length || !secret.starts_with(kSecretPrefix)) return {};
  const std::string_view id = secret.substr(kSecretPrefix.size(), kIdLength);
  const std::string_view random = secret.substr(kSecretPrefix.size() + kIdLength + 1);
  if (secret[kSecretPrefix.size() + kIdLength] != '_' || !is_lower_hex(id) ||
      !is_lower_hex(random)) {
    return {};
  }
  return id;
}

bool secret_matches(std::string_view secret, std::string_view stored_sha256) {
  return equal_in_constant_time(sha256_hex(secret), stored_sha256);
}

}  // namespace fp::store
