// Initial secrets and keys against RFC 9001 A.1 (v1) and RFC 9369 A.1 (v2).
#include "quic/initial_keys.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "quic/rfc_vectors.h"

namespace fp::quic {
namespace {

std::vector<uint8_t> dcid() { return *hex_decode(rfc::kDcid); }

struct KeyVector {
  uint32_t version;
  Sender sender;
  const char *secret, *key, *iv, *hp;
};

class InitialKeysTest : public ::testing::TestWithParam<KeyVector> {};

TEST_P(InitialKeysTest, MatchRfc) {
  const KeyVector& v = GetParam();
  const auto keys = initial_keys(v.version, dcid(), v.sender);
  ASSERT_TRUE(keys);
  EXPECT_EQ(hex_encode(keys->secret), v.secret);
  EXPECT_EQ(hex_encode(keys->key), v.key);
  EXPECT_EQ(hex_encode(keys->iv), v.iv);
  EXPECT_EQ(hex_encode(keys->hp), v.hp);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc, InitialKeysTest,
    ::testing::Values(KeyVector{kVersion1, Sender::kClient,
                                "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
                                "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c",
                                "9f50449e04a0e810283a1e9933adedd2"},
                      KeyVector{kVersion1, Sender::kServer,
                                "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b",
                                "cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e",
                                "c206b8d9b9f0f37644430b490eeaa314"},
                      KeyVector{kVersion2, Sender::kClient,
                                "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b",
                                "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f",
                                "45b95e15235d6f45a6b19cbcb0294ba9"},
                      KeyVector{kVersion2, Sender::kServer,
                                "0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1",
                                "82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652",
                                "edf6d05c83121201b436e16877593c3a"}));

TEST(InitialKeys, UnknownVersionAndLongDcidHaveNone) {
  EXPECT_FALSE(initial_keys(0xff00001d, dcid(), Sender::kClient));  // draft 29
  const std::vector<uint8_t> too_long(21, 0x11);
  EXPECT_FALSE(initial_keys(kVersion1, too_long, Sender::kClient));
}

}  // namespace
}  // namespace fp::quic
