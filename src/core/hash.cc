#include "core/hash.h"

// OpenSSL's digest-specific functions (MD5_Init ...) compute in place, without EVP: the first
// EVP fetch initialises the provider machinery (about 1 ms of start-up, a twentieth of a short
// `analyze`), and every EVP call then pays a dispatch that rivals hashing a 150-byte fingerprint
// string. OpenSSL 3 still ships them, deprecated; this asks for them by API level.
#define OPENSSL_API_COMPAT 0x10100000L
#include <openssl/md5.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace fp {
namespace {

// The first `hex_chars` hex digits of `digest`. The string is built once at its final size: a
// 12-digit JA4 hash stays in the small-string buffer and never allocates.
template <size_t N>
std::string to_hex(const std::array<uint8_t, N>& digest, size_t hex_chars) {
  constexpr char kHexDigits[] = "0123456789abcdef";
  const size_t bytes = std::min(N, hex_chars / 2);
  std::string hex(2 * bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) {
    hex[2 * i] = kHexDigits[digest[i] >> 4];
    hex[2 * i + 1] = kHexDigits[digest[i] & 0xf];
  }
  return hex;
}

std::array<uint8_t, MD5_DIGEST_LENGTH> md5(std::string_view data) {
  std::array<uint8_t, MD5_DIGEST_LENGTH> digest;
  MD5_CTX ctx;
  MD5_Init(&ctx);
  MD5_Update(&ctx, data.data(), data.size());
  MD5_Final(digest.data(), &ctx);
  return digest;
}

std::array<uint8_t, SHA256_DIGEST_LENGTH> sha256(std::string_view data) {
  std::array<uint8_t, SHA256_DIGEST_LENGTH> digest;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(digest.data(), &ctx);
  return digest;
}

}  // namespace

std::string md5_hex(std::string_view data) { return to_hex(md5(data), 32); }

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data), 64); }

std::string sha256_hex12(std::string_view data) {
  if (data.empty()) return "000000000000";
  return to_hex(sha256(data), 12);
}

}  // namespace fp
