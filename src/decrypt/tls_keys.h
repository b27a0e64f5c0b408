#pragma once
// Traffic keys of a TLS connection whose secrets are known (from a key log):
//   TLS 1.3: HKDF-Expand-Label (RFC 8446 7.1) of a traffic secret into write key and IV (7.3),
//            and the KeyUpdate step (7.2, "traffic upd").
//   TLS 1.2: the PRF (RFC 5246 5) key block from the master secret and the hellos' randoms (6.3),
//            for AEAD suites only (GCM, RFC 5288; ChaCha20-Poly1305, RFC 7905): no MAC keys.
// The AEAD suites we decrypt: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305. Others (CBC, CCM) are
// reported as unsupported by `suite_info`. OpenSSL stays in the .cc (STYLE.md 16).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"

namespace fp::decrypt {

enum class Aead : uint8_t { kAes128Gcm, kAes256Gcm, kChaCha20Poly1305 };
enum class HashAlg : uint8_t { kSha256, kSha384 };

struct SuiteInfo {
  Aead aead = Aead::kAes128Gcm;
  HashAlg hash = HashAlg::kSha256;
  size_t key_length = 16;
  // TLS 1.3 and TLS 1.2 ChaCha20: the 12-byte IV; TLS 1.2 GCM: the 4-byte implicit salt.
  size_t iv_length = 12;
};

// The suite's AEAD and PRF hash, or nullopt for a suite we cannot decrypt. `tls13` selects the
// TLS 1.3 meaning of the IV (the TLS 1.3 suites 0x1301-0x1303 are only valid there).
[[nodiscard]] std::optional<SuiteInfo> suite_info(uint16_t cipher_suite, bool tls13) noexcept;

[[nodiscard]] size_t hash_length(HashAlg hash) noexcept;

struct TrafficKeys {
  std::vector<uint8_t> key;
  std::vector<uint8_t> iv;
};

// RFC 8446 7.1: HKDF-Expand(secret, HkdfLabel{length, "tls13 " + label, context}, length).
// Empty on an OpenSSL failure or a label longer than 249 bytes.
[[nodiscard]] std::vector<uint8_t> hkdf_expand_label(HashAlg hash, Bytes secret,
                                                     std::string_view label, Bytes context,
                                                     size_t length) noexcept;

// RFC 8446 7.3: write key and IV from a traffic secret. Empty vectors on failure.
[[nodiscard]] TrafficKeys tls13_traffic_keys(const SuiteInfo& suite, Bytes secret) noexcept;

// RFC 8446 7.2: application_traffic_secret_N+1 from _N.
[[nodiscard]] std::vector<uint8_t> tls13_next_secret(HashAlg hash, Bytes secret) noexcept;

// RFC 5246 5: PRF(secret, label, seed) = P_<hash>(secret, label + seed), `length` bytes.
[[nodiscard]] std::vector<uint8_t> tls12_prf(HashAlg hash, Bytes secret, std::string_view label,
                                             Bytes seed, size_t length) noexcept;

struct Tls12Keys {
  TrafficKeys client;
  TrafficKeys server;
};

// RFC 5246 6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random),
// split into client and server write keys then IVs. nullopt on failure.
[[nodiscard]] std::optional<Tls12Keys> tls12_keys(const SuiteInfo& suite, Bytes master_secret,
                                                  Bytes client_random,
                                                  Bytes server_random) noexcept;

}  // namespace fp::decrypt
