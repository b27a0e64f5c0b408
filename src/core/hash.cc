#include "core/hash.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace fp {
namespace {

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

// One context per algorithm and thread, fetched and initialised once. OpenSSL 3's implicit
// fetch inside EVP_sha256() costs a lock and a lookup per call, and re-initialising a context
// with another algorithm frees and allocates its provider state; a fingerprint hashes strings of
// 100-200 bytes, where those costs rival the digest itself.
EVP_MD_CTX* context(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex2(ctx, md, nullptr);
  EVP_MD_free(md);  // the context holds its own reference
  return ctx;
}

EVP_MD_CTX* md5_ctx() {
  thread_local const Ctx ctx(context("MD5"));
  return ctx.get();
}

EVP_MD_CTX* sha256_ctx() {
  thread_local const Ctx ctx(context("SHA256"));
  return ctx.get();
}

// The first `hex_chars` hex digits of the digest of `data`. The string is built once at its
// final size: a 12-digit JA4 hash stays in the small-string buffer and never allocates.
std::string digest_hex(EVP_MD_CTX* ctx, std::string_view data, size_t hex_chars) {
  constexpr char kHexDigits[] = "0123456789abcdef";
  std::array<uint8_t, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_DigestInit_ex2(ctx, nullptr, nullptr);  // same algorithm: resets the state in place
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, md.data(), &len);
  const size_t bytes = std::min<size_t>(len, hex_chars / 2);
  std::array<char, 2 * EVP_MAX_MD_SIZE> hex;
  for (size_t i = 0; i < bytes; ++i) {
    hex[2 * i] = kHexDigits[md[i] >> 4];
    hex[2 * i + 1] = kHexDigits[md[i] & 0xf];
  }
  return std::string(hex.data(), 2 * bytes);
}

}  // namespace

std::string md5_hex(std::string_view data) { return digest_hex(md5_ctx(), data, 32); }

std::string sha256_hex(std::string_view data) { return digest_hex(sha256_ctx(), data, 64); }

std::string sha256_hex12(std::string_view data) {
  if (data.empty()) return "000000000000";
  return digest_hex(sha256_ctx(), data, 12);
}

}  // namespace fp
