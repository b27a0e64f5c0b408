// Decryption Secrets Blocks: from the reference captures (capinfos reports one secrets block in
// each), and from hand-made files in both byte orders.
#include "decrypt/pcapng_secrets.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

namespace fp::decrypt {
namespace {

std::string pcap_path(const char* name) { return std::string(FP_TESTDATA) + "/ja4/pcap/" + name; }

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put32(std::vector<uint8_t>& out, uint32_t v, bool big_endian) {
  for (int i = 0; i < 4; ++i) {
    const int shift = big_endian ? 24 - 8 * i : 8 * i;
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}

// SHB (no options), then one DSB with `text`, then an unknown block.
std::vector<uint8_t> make_pcapng(const std::string& text, bool big_endian, uint32_t secrets_type) {
  std::vector<uint8_t> f;
  put32(f, 0x0A0D0D0A, big_endian);
  put32(f, 28, big_endian);
  put32(f, 0x1A2B3C4D, big_endian);
  f.insert(f.end(), {0, 0, 0, 0});                // major/minor version: not read
  for (int i = 0; i < 8; ++i) f.push_back(0xff);  // section length -1
  put32(f, 28, big_endian);
  const size_t padded = (text.size() + 3) / 4 * 4;
  const uint32_t total = static_cast<uint32_t>(8 + 8 + padded + 4);  // header, fixed, data, end
  put32(f, kDecryptionSecretsBlock, big_endian);
  put32(f, total, big_endian);
  put32(f, secrets_type, big_endian);
  put32(f, static_cast<uint32_t>(text.size()), big_endian);
  f.insert(f.end(), text.begin(), text.end());
  while (f.size() % 4 != 0) f.push_back(0);  // the block so far is aligned, so this pads text
  put32(f, total, big_endian);
  put32(f, 0x00000BAD, big_endian);
  put32(f, 16, big_endian);
  put32(f, 0, big_endian);
  put32(f, 16, big_endian);
  return f;
}

TEST(PcapngSecretsTest, ReferenceCaptures) {
  for (const char* name :
       {"http2-with-cookies.pcapng", "chrome-cloudflare-quic-with-secrets.pcapng"}) {
    const auto bytes = read_all(pcap_path(name));
    ASSERT_FALSE(bytes.empty()) << name;
    auto secrets = read_pcapng_secrets(bytes);
    ASSERT_TRUE(secrets) << name;
    EXPECT_TRUE(secrets->pcapng);
    ASSERT_EQ(secrets->tls_key_logs.size(), 1u) << name;
    EXPECT_NE(secrets->tls_key_logs[0].find("CLIENT_HANDSHAKE_TRAFFIC_SECRET "), std::string::npos);
    // The same through a FILE*.
    std::FILE* f = std::fopen(pcap_path(name).c_str(), "rb");
    ASSERT_NE(f, nullptr);
    auto from_file = read_pcapng_secrets(f);
    std::fclose(f);
    ASSERT_TRUE(from_file);
    EXPECT_EQ(from_file->tls_key_logs, secrets->tls_key_logs);
  }
}

TEST(PcapngSecretsTest, ClassicPcapHasNone) {
  const auto bytes = read_all(pcap_path("tls12.pcap"));
  auto secrets = read_pcapng_secrets(bytes);
  ASSERT_TRUE(secrets);
  EXPECT_FALSE(secrets->pcapng);
  EXPECT_TRUE(secrets->tls_key_logs.empty());
}

TEST(PcapngSecretsTest, BothByteOrders) {
  for (bool big_endian : {false, true}) {
    const auto file = make_pcapng("CLIENT_RANDOM x y\n", big_endian, kSecretsTlsKeyLog);
    auto secrets = read_pcapng_secrets(file);
    ASSERT_TRUE(secrets) << big_endian;
    ASSERT_EQ(secrets->tls_key_logs.size(), 1u);
    EXPECT_EQ(secrets->tls_key_logs[0], "CLIENT_RANDOM x y\n");
  }
}

TEST(PcapngSecretsTest, OtherSecretsTypesCounted) {
  const auto file = make_pcapng("wg", false, 0x57474b4c);  // WireGuard
  auto secrets = read_pcapng_secrets(file);
  ASSERT_TRUE(secrets);
  EXPECT_TRUE(secrets->tls_key_logs.empty());
  EXPECT_EQ(secrets->other_secrets, 1u);
}

TEST(PcapngSecretsTest, DamagedFiles) {
  auto file = make_pcapng("abc", false, kSecretsTlsKeyLog);
  auto cut = file;
  cut.resize(cut.size() - 6);
  EXPECT_EQ(read_pcapng_secrets(cut).error(), PcapngError::kTruncated);
  auto bad = file;
  bad[32] = 13;  // the DSB's length: not a multiple of 4
  EXPECT_EQ(read_pcapng_secrets(bad).error(), PcapngError::kBadBlock);
  auto magic = file;
  magic[8] = 0;
  EXPECT_EQ(read_pcapng_secrets(magic).error(), PcapngError::kBadBlock);
}

}  // namespace
}  // namespace fp::decrypt
