#include "decrypt/record_decryptor.h"

#include <openssl/evp.h>

#include <array>
#include <memory>

namespace fp::decrypt {
namespace {

constexpr size_t kTagLength = 16;     // every AEAD here has a 16-byte tag
constexpr size_t kNonceLength = 12;   // and a 12-byte nonce
constexpr size_t kExplicitNonce = 8;  // TLS 1.2 GCM: sent before each ciphertext
constexpr size_t kRecordHeader = 5;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};

const EVP_CIPHER* cipher_of(Aead aead) noexcept {
  switch (aead) {
    case Aead::kAes128Gcm:
      return EVP_aes_128_gcm();
    case Aead::kAes256Gcm:
      return EVP_aes_256_gcm();
    case Aead::kChaCha20Poly1305:
      return EVP_chacha20_poly1305();
  }
  return nullptr;
}

// iv XOR the sequence number left-padded to the IV's length (RFC 8446 5.3, RFC 7905 2).
std::array<uint8_t, kNonceLength> xor_nonce(Bytes iv, uint64_t seq) noexcept {
  std::array<uint8_t, kNonceLength> nonce{};
  for (size_t i = 0; i < kNonceLength; ++i) nonce[i] = iv[i];
  for (size_t i = 0; i < 8; ++i)
    nonce[kNonceLength - 1 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
  return nonce;
}

// One AEAD open. Returns false when the tag does not verify (or OpenSSL fails).
bool aead_open(Aead aead, Bytes key, Bytes nonce, Bytes aad, Bytes ciphertext, Bytes tag,
               std::vector<uint8_t>& out) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return false;
  EVP_CIPHER_CTX* c = ctx.get();
  int n = 0;
  if (EVP_DecryptInit_ex(c, cipher_of(aead), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) !=
          1 ||
      EVP_DecryptInit_ex(c, nullptr, nullptr, key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1) {
    return false;
  }
  out.resize(ciphertext.size() + 16);
  if (EVP_DecryptUpdate(c, out.data(), &n, ciphertext.data(),
                        static_cast<int>(ciphertext.size())) != 1) {
    return false;
  }
  size_t written = static_cast<size_t>(n);
  if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<uint8_t*>(tag.data())) != 1) {
    return false;
  }
  if (EVP_DecryptFinal_ex(c, out.data() + written, &n) != 1) return false;
  out.resize(written + static_cast<size_t>(n));
  return true;
}

// RFC 8446 5.4: strip the zero padding; the last non-zero byte is the content type.
Result<OpenedRecord, DecryptError> unwrap_inner(std::vector<uint8_t> plaintext) {
  while (!plaintext.empty() && plaintext.back() == 0) plaintext.pop_back();
  if (plaintext.empty()) return Unexpected{DecryptError::kNoContentType};
  OpenedRecord out;
  out.content_type = plaintext.back();
  plaintext.pop_back();
  out.plaintext = std::move(plaintext);
  return out;
}

}  // namespace

std::string_view describe(DecryptError error) noexcept {
  switch (error) {
    case DecryptError::kBadKeys:
      return "key or IV of the wrong length";
    case DecryptError::kTooShort:
      return "record shorter than its nonce and tag";
    case DecryptError::kTooLong:
      return "record longer than 2^14 + 256 bytes";
    case DecryptError::kAuthFailed:
      return "authentication tag did not verify";
    case DecryptError::kNoContentType:
      return "TLS 1.3 record without a content type";
    case DecryptError::kCrypto:
      return "OpenSSL failure";
  }
  return "unknown";
}

Result<OpenedRecord, DecryptError> RecordDecryptor::open(Bytes header, Bytes fragment) noexcept {
  try {
    const bool gcm12 = !tls13_ && aead_ != Aead::kChaCha20Poly1305;
    const size_t key_length = aead_ == Aead::kAes128Gcm ? 16 : 32;
    if (keys_.key.size() != key_length || keys_.iv.size() != (gcm12 ? 4 : kNonceLength) ||
        header.size() != kRecordHeader) {
      return Unexpected{DecryptError::kBadKeys};
    }
    if (fragment.size() > kMaxCiphertext) return Unexpected{DecryptError::kTooLong};
    const size_t overhead = kTagLength + (gcm12 ? kExplicitNonce : 0);
    if (fragment.size() < overhead) return Unexpected{DecryptError::kTooShort};
    std::array<uint8_t, kNonceLength> nonce{};
    Bytes body = fragment;
    if (gcm12) {
      for (size_t i = 0; i < 4; ++i) nonce[i] = keys_.iv[i];
      for (size_t i = 0; i < kExplicitNonce; ++i) nonce[4 + i] = fragment[i];
      body = fragment.subspan(kExplicitNonce);
    } else {
      nonce = xor_nonce(keys_.iv, seq_);
    }
    const Bytes ciphertext = body.first(body.size() - kTagLength);
    const Bytes tag = body.last(kTagLength);
    std::vector<uint8_t> aad;
    if (tls13_) {
      aad.assign(header.begin(), header.end());
    } else {
      for (int i = 7; i >= 0; --i) aad.push_back(static_cast<uint8_t>(seq_ >> (8 * i)));
      aad.insert(aad.end(), header.begin(), header.begin() + 3);  // type, version
      aad.push_back(static_cast<uint8_t>(ciphertext.size() >> 8));
      aad.push_back(static_cast<uint8_t>(ciphertext.size()));
    }
    std::vector<uint8_t> plaintext;
    if (!aead_open(aead_, keys_.key, nonce, aad, ciphertext, tag, plaintext)) {
      return Unexpected{DecryptError::kAuthFailed};
    }
    ++seq_;
    if (tls13_) return unwrap_inner(std::move(plaintext));
    return OpenedRecord{header[0], std::move(plaintext)};
  } catch (...) {
    return Unexpected{DecryptError::kCrypto};  // allocation failure
  }
}

}  // namespace fp::decrypt
