#include "quic/initial_keys.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace fp::quic {
namespace {

// RFC 9001 5.2 and RFC 9369 3.3.1.
constexpr std::array<uint8_t, 20> kSaltV1 = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34,
                                             0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8,
                                             0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
constexpr std::array<uint8_t, 20> kSaltV2 = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6,
                                             0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26,
                                             0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};

struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* ctx) const noexcept { EVP_KDF_CTX_free(ctx); }
};
using KdfCtx = std::unique_ptr<EVP_KDF_CTX, KdfCtxFree>;

KdfCtx new_hkdf() {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return nullptr;
  KdfCtx ctx(EVP_KDF_CTX_new(kdf));
  EVP_KDF_free(kdf);
  return ctx;
}

// HKDF-Extract or HKDF-Expand alone, SHA-256 (RFC 5869).
bool hkdf(int mode, Bytes key, Bytes salt_or_info, uint8_t* out, size_t out_len) {
  KdfCtx ctx = new_hkdf();
  if (!ctx) return false;
  char digest[] = "SHA256";
  OSSL_PARAM params[5];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                  const_cast<uint8_t*>(key.data()), key.size());
  const char* which =
      mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT : OSSL_KDF_PARAM_INFO;
  params[n++] = OSSL_PARAM_construct_octet_string(which, const_cast<uint8_t*>(salt_or_info.data()),
                                                  salt_or_info.size());
  params[n] = OSSL_PARAM_construct_end();
  return EVP_KDF_derive(ctx.get(), out, out_len, params) == 1;
}

// HKDF-Expand-Label with an empty context (RFC 8446 7.1).
bool expand_label(Bytes secret, const std::string& label, uint8_t* out, size_t out_len) {
  const std::string full = "tls13 " + label;
  std::vector<uint8_t> info;
  info.push_back(static_cast<uint8_t>(out_len >> 8));
  info.push_back(static_cast<uint8_t>(out_len));
  info.push_back(static_cast<uint8_t>(full.size()));
  info.insert(info.end(), full.begin(), full.end());
  info.push_back(0);
  return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, info, out, out_len);
}

// RFC 9001 5.1: the AEAD key, IV and header-protection key from `k.secret`; `prefix` is the
// version's label prefix ("quic " or "quicv2 ", RFC 9369 3.3.2).
bool derive_packet_keys(InitialKeys& k, const std::string& prefix) {
  return expand_label(k.secret, prefix + "key", k.key.data(), k.key.size()) &&
         expand_label(k.secret, prefix + "iv", k.iv.data(), k.iv.size()) &&
         expand_label(k.secret, prefix + "hp", k.hp.data(), k.hp.size());
}

}  // namespace

bool is_known_version(uint32_t version) noexcept {
  return version == kVersion1 || version == kVersion2;
}

std::optional<InitialKeys> initial_keys(uint32_t version, Bytes dcid, Sender sender) noexcept {
  if (!is_known_version(version) || dcid.size() > kMaxConnectionId) return std::nullopt;
  const bool v2 = version == kVersion2;
  const Bytes salt = v2 ? Bytes(kSaltV2) : Bytes(kSaltV1);
  // RFC 9369 3.3.2 renames the packet-protection labels; "client in"/"server in" stay.
  const std::string prefix = v2 ? "quicv2 " : "quic ";
  try {  // std::string and std::vector may throw bad_alloc; this function may not
    std::array<uint8_t, 32> initial{};
    if (!hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, salt, initial.data(), initial.size())) {
      return std::nullopt;
    }
    InitialKeys k;
    const std::string side = sender == Sender::kClient ? "client in" : "server in";
    if (!expand_label(initial, side, k.secret.data(), k.secret.size()) ||
        !derive_packet_keys(k, prefix)) {
      return std::nullopt;
    }
    return k;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<InitialKeys> one_rtt_keys(uint32_t version, Bytes secret) noexcept {
  InitialKeys k;
  if (!is_known_version(version) || secret.size() != k.secret.size()) return std::nullopt;
  const std::string prefix = version == kVersion2 ? "quicv2 " : "quic ";
  try {
    std::copy(secret.begin(), secret.end(), k.secret.begin());
    if (!derive_packet_keys(k, prefix)) return std::nullopt;
    return k;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace fp::quic
