#include "core/hash.h"

#include <openssl/evp.h>

#include <array>
#include <memory>

#include "core/hex.h"

namespace fp {
namespace {

// Explicit fetches once per process: OpenSSL 3's implicit fetch inside EVP_sha256() costs a
// lock and a lookup per call, which dominates the hash of a 100-byte string.
const EVP_MD* fetched(const char* name) {
  static const EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return name[0] == 'M' ? md5 : sha256;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string digest_hex(const char* name, std::string_view data, size_t hex_chars) {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  std::array<uint8_t, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_DigestInit_ex2(ctx.get(), fetched(name), nullptr);
  EVP_DigestUpdate(ctx.get(), data.data(), data.size());
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  std::string hex = hex_encode(Bytes(out.data(), len));
  hex.resize(std::min(hex.size(), hex_chars));
  return hex;
}

}  // namespace

std::string md5_hex(std::string_view data) { return digest_hex("MD5", data, 32); }

std::string sha256_hex(std::string_view data) { return digest_hex("SHA256", data, 64); }

std::string sha256_hex12(std::string_view data) {
  if (data.empty()) return "000000000000";
  return digest_hex("SHA256", data, 12);
}

}  // namespace fp
