// Opening the client's Finished record of RFC 8448 section 3 with the client handshake keys.
#include "decrypt/record_decryptor.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "decrypt/rfc8448_vectors.h"

namespace fp::decrypt {
namespace {

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

RecordDecryptor client_handshake_decryptor() {
  return RecordDecryptor(Aead::kAes128Gcm,
                         {unhex(rfc8448::kClientHandshakeKey), unhex(rfc8448::kClientHandshakeIv)},
                         true);
}

TEST(RecordDecryptorTest, OpensRfc8448ClientFinished) {
  const auto record = unhex(rfc8448::kClientFinishedRecord);
  RecordDecryptor d = client_handshake_decryptor();
  auto opened = d.open(Bytes(record).first(5), Bytes(record).subspan(5));
  ASSERT_TRUE(opened) << describe(opened.error());
  EXPECT_EQ(opened->content_type, 22);  // handshake, from the inner plaintext
  EXPECT_EQ(hex_encode(opened->plaintext), rfc8448::kClientFinished);
  EXPECT_EQ(d.sequence(), 1u);
}

TEST(RecordDecryptorTest, TamperedRecordFailsAndKeepsSequence) {
  auto record = unhex(rfc8448::kClientFinishedRecord);
  record[10] ^= 1;
  RecordDecryptor d = client_handshake_decryptor();
  auto opened = d.open(Bytes(record).first(5), Bytes(record).subspan(5));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), DecryptError::kAuthFailed);
  EXPECT_EQ(d.sequence(), 0u);
}

TEST(RecordDecryptorTest, WrongSequenceFails) {
  const auto record = unhex(rfc8448::kClientFinishedRecord);
  RecordDecryptor d = client_handshake_decryptor();
  const std::vector<uint8_t> junk(17, 0);
  EXPECT_FALSE(d.open(Bytes(record).first(5), junk));  // fails: the sequence stays at 0
  EXPECT_TRUE(d.open(Bytes(record).first(5), Bytes(record).subspan(5)));
  EXPECT_FALSE(d.open(Bytes(record).first(5), Bytes(record).subspan(5)));  // now at 1
}

TEST(RecordDecryptorTest, ShortAndBadKeys) {
  RecordDecryptor d = client_handshake_decryptor();
  const auto header = unhex("1703030004");
  const auto body = unhex("00010203");
  EXPECT_EQ(d.open(header, body).error(), DecryptError::kTooShort);
  RecordDecryptor bad(Aead::kAes256Gcm, {unhex(rfc8448::kClientHandshakeKey), {}}, true);
  EXPECT_EQ(bad.open(header, body).error(), DecryptError::kBadKeys);
}

// TLS 1.2 GCM (RFC 5288): the nonce is the 4-byte salt then the record's 8 explicit bytes, and
// the AAD carries the sequence number. A record sealed here by OpenSSL's command line would
// need a file; instead the TLS 1.2 path is checked end to end against tshark in
// tests/clients/decrypt_clients_test.sh. This checks the length rules.
TEST(RecordDecryptorTest, Tls12GcmNeedsExplicitNonce) {
  RecordDecryptor d(Aead::kAes128Gcm, {unhex(rfc8448::kClientHandshakeKey), unhex("01020304")},
                    false);
  const auto header = unhex("1703030014");
  const std::vector<uint8_t> body(20, 0);  // 8 + 16 = 24 needed
  EXPECT_EQ(d.open(header, body).error(), DecryptError::kTooShort);
}

}  // namespace
}  // namespace fp::decrypt
