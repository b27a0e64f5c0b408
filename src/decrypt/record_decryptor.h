#pragma once
// Opens the protected records of one direction of a TLS connection with one set of keys:
// counts the sequence number, builds the per-record nonce and additional data, checks the tag.
//   TLS 1.3 (RFC 8446 5.2-5.4): nonce = iv XOR seq; AAD = the record header; the plaintext ends
//     with the real content type followed by zero padding.
//   TLS 1.2 GCM (RFC 5288 3): nonce = 4-byte salt + 8-byte explicit nonce sent before the
//     ciphertext; ChaCha20-Poly1305 (RFC 7905 2): nonce = iv XOR seq. AAD = seq + type +
//     version + plaintext length (RFC 5246 6.2.3.3).
// A record that fails authentication leaves the sequence number where it was.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "decrypt/tls_keys.h"

namespace fp::decrypt {

enum class DecryptError : uint8_t {
  kBadKeys,        // key or IV of the wrong length for the AEAD
  kTooShort,       // the record is shorter than its explicit nonce and tag
  kTooLong,        // ciphertext past RFC 8446 5.2's 2^14 + 256 bytes
  kAuthFailed,     // the tag did not verify: wrong keys, or records missed or out of order
  kNoContentType,  // TLS 1.3 plaintext of only zero bytes (RFC 8446 5.4: unexpected_message)
  kCrypto,         // an OpenSSL failure
};

[[nodiscard]] std::string_view describe(DecryptError error) noexcept;

struct OpenedRecord {
  uint8_t content_type = 0;  // TLS 1.3: the inner type; TLS 1.2: the record's type
  std::vector<uint8_t> plaintext;
};

// RFC 8446 5.2: TLSCiphertext.length may not exceed 2^14 + 256.
inline constexpr size_t kMaxCiphertext = (1u << 14) + 256;

class RecordDecryptor {
 public:
  RecordDecryptor(Aead aead, TrafficKeys keys, bool tls13) noexcept
      : aead_(aead), keys_(std::move(keys)), tls13_(tls13) {}

  // `header` is the 5-byte record header, `fragment` the bytes after it.
  [[nodiscard]] Result<OpenedRecord, DecryptError> open(Bytes header, Bytes fragment) noexcept;

  [[nodiscard]] uint64_t sequence() const noexcept { return seq_; }

 private:
  Aead aead_;
  TrafficKeys keys_;
  bool tls13_;
  uint64_t seq_ = 0;
};

}  // namespace fp::decrypt
