// HKDF-Expand-Label and traffic keys against RFC 8448 section 3; the TLS 1.2 PRF against the
// P_SHA256 vector circulated on the IETF TLS list (also what `openssl kdf TLS1-PRF` prints).
#include "decrypt/tls_keys.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "decrypt/rfc8448_vectors.h"

namespace fp::decrypt {
namespace {

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

TEST(TlsKeysTest, SuiteInfo) {
  const auto aes128 = suite_info(0x1301, true);
  ASSERT_TRUE(aes128);
  EXPECT_EQ(aes128->aead, Aead::kAes128Gcm);
  EXPECT_EQ(aes128->key_length, 16u);
  EXPECT_EQ(aes128->iv_length, 12u);
  const auto aes256 = suite_info(0x1302, true);
  ASSERT_TRUE(aes256);
  EXPECT_EQ(aes256->hash, HashAlg::kSha384);
  EXPECT_EQ(aes256->key_length, 32u);
  const auto gcm12 = suite_info(0xc02f, false);
  ASSERT_TRUE(gcm12);
  EXPECT_EQ(gcm12->iv_length, 4u);  // RFC 5288: the implicit salt
  const auto chacha12 = suite_info(0xcca8, false);
  ASSERT_TRUE(chacha12);
  EXPECT_EQ(chacha12->iv_length, 12u);  // RFC 7905
  EXPECT_FALSE(suite_info(0x1301, false));
  EXPECT_FALSE(suite_info(0xc02f, true));
  EXPECT_FALSE(suite_info(0x002f, false));  // AES-CBC: not decrypted
}

struct KeyVector {
  const char* name;
  const char* secret;
  const char* key;
  const char* iv;
};

class Rfc8448KeysTest : public ::testing::TestWithParam<KeyVector> {};

TEST_P(Rfc8448KeysTest, KeyAndIv) {
  const KeyVector& v = GetParam();
  const TrafficKeys keys = tls13_traffic_keys(*suite_info(0x1301, true), unhex(v.secret));
  EXPECT_EQ(hex_encode(keys.key), v.key);
  EXPECT_EQ(hex_encode(keys.iv), v.iv);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc8448, Rfc8448KeysTest,
    ::testing::Values(KeyVector{"server_handshake", rfc8448::kServerHandshakeSecret,
                                rfc8448::kServerHandshakeKey, rfc8448::kServerHandshakeIv},
                      KeyVector{"client_handshake", rfc8448::kClientHandshakeSecret,
                                rfc8448::kClientHandshakeKey, rfc8448::kClientHandshakeIv},
                      KeyVector{"server_application", rfc8448::kServerApplicationSecret,
                                rfc8448::kServerApplicationKey, rfc8448::kServerApplicationIv}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(TlsKeysTest, HkdfExpandLabelRejectsOverlongLabel) {
  const std::string label(250, 'x');  // "tls13 " + 250 > 255
  EXPECT_TRUE(
      hkdf_expand_label(HashAlg::kSha256, unhex(rfc8448::kServerHandshakeSecret), label, {}, 16)
          .empty());
}

TEST(TlsKeysTest, NextSecretIsTheTrafficUpdLabel) {
  const auto secret = unhex(rfc8448::kClientApplicationSecret);
  EXPECT_EQ(tls13_next_secret(HashAlg::kSha256, secret),
            hkdf_expand_label(HashAlg::kSha256, secret, "traffic upd", {}, 32));
}

TEST(TlsKeysTest, Tls12PrfSha256Vector) {
  const auto out = tls12_prf(HashAlg::kSha256, unhex("9bbe436ba940f017b17652849a71db35"),
                             "test label", unhex("a0ba9f936cda311827a6f796ffd5198c"), 100);
  EXPECT_EQ(hex_encode(out),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a4"
            "6b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d1"
            "22ee42c5a72e5a5110fff70187347b66");
}

// The key block is the PRF output cut in the RFC 5246 6.3 order (no MAC keys for AEAD suites).
TEST(TlsKeysTest, Tls12KeyBlockOrder) {
  const auto suite = *suite_info(0xc02f, false);
  const auto master = unhex(rfc8448::kClientHandshakeSecret);  // any 32+ bytes
  const std::vector<uint8_t> client_random(32, 0x11), server_random(32, 0x22);
  const auto keys = tls12_keys(suite, master, client_random, server_random);
  ASSERT_TRUE(keys);
  std::vector<uint8_t> seed = server_random;
  seed.insert(seed.end(), client_random.begin(), client_random.end());
  const auto block = tls12_prf(HashAlg::kSha256, master, "key expansion", seed, 40);
  EXPECT_EQ(keys->client.key, std::vector<uint8_t>(block.begin(), block.begin() + 16));
  EXPECT_EQ(keys->server.key, std::vector<uint8_t>(block.begin() + 16, block.begin() + 32));
  EXPECT_EQ(keys->client.iv, std::vector<uint8_t>(block.begin() + 32, block.begin() + 36));
  EXPECT_EQ(keys->server.iv, std::vector<uint8_t>(block.begin() + 36, block.begin() + 40));
}

}  // namespace
}  // namespace fp::decrypt
