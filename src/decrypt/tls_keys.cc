#include "decrypt/tls_keys.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>

namespace fp::decrypt {
namespace {

struct KdfDeleter {
  void operator()(EVP_KDF* p) const noexcept { EVP_KDF_free(p); }
};
struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
};

const char* digest_name(HashAlg hash) noexcept {
  return hash == HashAlg::kSha384 ? "SHA384" : "SHA256";
}

// One OpenSSL KDF run ("HKDF" in expand-only mode, or "TLS1-PRF") with the given parameters.
std::vector<uint8_t> run_kdf(const char* kdf_name, const OSSL_PARAM* params, size_t length) {
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, kdf_name, nullptr));
  if (!kdf) return {};
  std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return {};
  std::vector<uint8_t> out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) return {};
  return out;
}

void* mutable_ptr(Bytes b) noexcept { return const_cast<uint8_t*>(b.data()); }

// RFC 8446 7.1: the most a label may take once "tls13 " is prefixed (opaque label<7..255>).
constexpr size_t kMaxFullLabel = 255;
constexpr std::string_view kLabelPrefix = "tls13 ";

// Suites by number: (suite, TLS 1.3?) -> AEAD and hash (IANA TLS registry).
struct SuiteRow {
  uint16_t suite;
  bool tls13;
  Aead aead;
  HashAlg hash;
};
constexpr SuiteRow kSuites[] = {
    {0x1301, true, Aead::kAes128Gcm, HashAlg::kSha256},          // TLS_AES_128_GCM_SHA256
    {0x1302, true, Aead::kAes256Gcm, HashAlg::kSha384},          // TLS_AES_256_GCM_SHA384
    {0x1303, true, Aead::kChaCha20Poly1305, HashAlg::kSha256},   // TLS_CHACHA20_POLY1305_SHA256
    {0x009c, false, Aead::kAes128Gcm, HashAlg::kSha256},         // RSA_WITH_AES_128_GCM_SHA256
    {0x009d, false, Aead::kAes256Gcm, HashAlg::kSha384},         // RSA_WITH_AES_256_GCM_SHA384
    {0x009e, false, Aead::kAes128Gcm, HashAlg::kSha256},         // DHE_RSA_..._AES_128_GCM
    {0x009f, false, Aead::kAes256Gcm, HashAlg::kSha384},         // DHE_RSA_..._AES_256_GCM
    {0xc02b, false, Aead::kAes128Gcm, HashAlg::kSha256},         // ECDHE_ECDSA_AES_128_GCM
    {0xc02c, false, Aead::kAes256Gcm, HashAlg::kSha384},         // ECDHE_ECDSA_AES_256_GCM
    {0xc02f, false, Aead::kAes128Gcm, HashAlg::kSha256},         // ECDHE_RSA_AES_128_GCM
    {0xc030, false, Aead::kAes256Gcm, HashAlg::kSha384},         // ECDHE_RSA_AES_256_GCM
    {0xcca8, false, Aead::kChaCha20Poly1305, HashAlg::kSha256},  // ECDHE_RSA_CHACHA20
    {0xcca9, false, Aead::kChaCha20Poly1305, HashAlg::kSha256},  // ECDHE_ECDSA_CHACHA20
    {0xccaa, false, Aead::kChaCha20Poly1305, HashAlg::kSha256},  // DHE_RSA_CHACHA20
};

// RFC 5288 3: TLS 1.2 GCM's implicit part of the nonce (the rest is sent in each record).
constexpr size_t kGcmSaltLength = 4;
constexpr size_t kAeadIvLength = 12;

}  // namespace

std::optional<SuiteInfo> suite_info(uint16_t cipher_suite, bool tls13) noexcept {
  for (const SuiteRow& row : kSuites) {
    if (row.suite != cipher_suite || row.tls13 != tls13) continue;
    SuiteInfo info;
    info.aead = row.aead;
    info.hash = row.hash;
    info.key_length = row.aead == Aead::kAes128Gcm ? 16 : 32;
    const bool salt_only = !tls13 && row.aead != Aead::kChaCha20Poly1305;
    info.iv_length = salt_only ? kGcmSaltLength : kAeadIvLength;
    return info;
  }
  return std::nullopt;
}

size_t hash_length(HashAlg hash) noexcept { return hash == HashAlg::kSha384 ? 48 : 32; }

std::vector<uint8_t> hkdf_expand_label(HashAlg hash, Bytes secret, std::string_view label,
                                       Bytes context, size_t length) noexcept {
  try {
    if (kLabelPrefix.size() + label.size() > kMaxFullLabel || context.size() > 255 ||
        length > 0xffff) {
      return {};
    }
    // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
    std::vector<uint8_t> info;
    info.push_back(static_cast<uint8_t>(length >> 8));
    info.push_back(static_cast<uint8_t>(length));
    info.push_back(static_cast<uint8_t>(kLabelPrefix.size() + label.size()));
    info.insert(info.end(), kLabelPrefix.begin(), kLabelPrefix.end());
    info.insert(info.end(), label.begin(), label.end());
    info.push_back(static_cast<uint8_t>(context.size()));
    info.insert(info.end(), context.begin(), context.end());
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                         const_cast<char*>(digest_name(hash)), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mutable_ptr(secret), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
        OSSL_PARAM_construct_end()};
    return run_kdf("HKDF", params, length);
  } catch (...) {
    return {};
  }
}

TrafficKeys tls13_traffic_keys(const SuiteInfo& suite, Bytes secret) noexcept {
  TrafficKeys keys;
  keys.key = hkdf_expand_label(suite.hash, secret, "key", {}, suite.key_length);
  keys.iv = hkdf_expand_label(suite.hash, secret, "iv", {}, suite.iv_length);
  return keys;
}

std::vector<uint8_t> tls13_next_secret(HashAlg hash, Bytes secret) noexcept {
  return hkdf_expand_label(hash, secret, "traffic upd", {}, hash_length(hash));
}

std::vector<uint8_t> tls12_prf(HashAlg hash, Bytes secret, std::string_view label, Bytes seed,
                               size_t length) noexcept {
  try {
    std::vector<uint8_t> full_seed(label.begin(), label.end());
    full_seed.insert(full_seed.end(), seed.begin(), seed.end());
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                         const_cast<char*>(digest_name(hash)), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, mutable_ptr(secret),
                                          secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, full_seed.data(), full_seed.size()),
        OSSL_PARAM_construct_end()};
    return run_kdf("TLS1-PRF", params, length);
  } catch (...) {
    return {};
  }
}

std::optional<Tls12Keys> tls12_keys(const SuiteInfo& suite, Bytes master_secret,
                                    Bytes client_random, Bytes server_random) noexcept {
  try {
    std::vector<uint8_t> seed(server_random.begin(), server_random.end());
    seed.insert(seed.end(), client_random.begin(), client_random.end());
    const size_t k = suite.key_length, v = suite.iv_length;
    const std::vector<uint8_t> block =
        tls12_prf(suite.hash, master_secret, "key expansion", seed, 2 * k + 2 * v);
    if (block.empty()) return std::nullopt;
    // AEAD suites have no MAC keys: client key, server key, client IV, server IV.
    const auto part = [&](size_t from, size_t n) {
      return std::vector<uint8_t>(block.begin() + static_cast<std::ptrdiff_t>(from),
                                  block.begin() + static_cast<std::ptrdiff_t>(from + n));
    };
    Tls12Keys keys;
    keys.client = {part(0, k), part(2 * k, v)};
    keys.server = {part(k, k), part(2 * k + v, v)};
    return keys;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace fp::decrypt
