// NSS key log parsing: labels, comments, CRLF, and bad lines counted but never fatal.
#include "decrypt/key_log.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "decrypt/rfc8448_vectors.h"

namespace fp::decrypt {
namespace {

std::string line(const char* label, const char* secret) {
  return std::string(label) + " " + rfc8448::kClientRandom + " " + secret + "\n";
}

TEST(KeyLogTest, ReadsTls13Labels) {
  KeyLog log;
  const std::string text =
      "# SSL/TLS secrets log file\n" +
      line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", rfc8448::kClientHandshakeSecret) +
      line("SERVER_HANDSHAKE_TRAFFIC_SECRET", rfc8448::kServerHandshakeSecret) +
      line("CLIENT_TRAFFIC_SECRET_0", rfc8448::kClientApplicationSecret) +
      line("SERVER_TRAFFIC_SECRET_0", rfc8448::kServerApplicationSecret) +
      line("EXPORTER_SECRET", rfc8448::kServerApplicationSecret);
  const KeyLogStats stats = log.add_text(text);
  EXPECT_EQ(stats.lines, 5u);
  EXPECT_EQ(stats.accepted, 4u);
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_EQ(stats.bad, 0u);
  const TlsSecrets* s = log.find(*hex_decode(rfc8448::kClientRandom));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(hex_encode(s->client_handshake), rfc8448::kClientHandshakeSecret);
  EXPECT_EQ(hex_encode(s->server_application), rfc8448::kServerApplicationSecret);
  EXPECT_TRUE(s->master_secret.empty());
}

TEST(KeyLogTest, ClientRandomLineAndCrlf) {
  KeyLog log;
  const std::string master(96, 'a');
  const std::string text =
      std::string("CLIENT_RANDOM ") + rfc8448::kClientRandom + "\t" + master + "\r\n";
  EXPECT_EQ(log.add_text(text).accepted, 1u);
  const TlsSecrets* s = log.find(*hex_decode(rfc8448::kClientRandom));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->master_secret.size(), 48u);
}

TEST(KeyLogTest, BadLinesAreCountedNotFatal) {
  KeyLog log;
  const std::string text =
      "garbage\n"                  // one field
      "CLIENT_RANDOM abcd 0011\n"  // random too short
      "CLIENT_RANDOM " +
      std::string(64, 'z') +
      " 0011\n"  // not hex
      "NO_SUCH_LABEL " +
      std::string(rfc8448::kClientRandom) + " 0011\n" + "CLIENT_RANDOM " + rfc8448::kClientRandom +
      " 001\n" +  // odd length
      "CLIENT_RANDOM " + rfc8448::kClientRandom + " 00 extra\n" + "   \n# comment\n" +
      line("CLIENT_TRAFFIC_SECRET_0", rfc8448::kClientApplicationSecret);
  const KeyLogStats stats = log.add_text(text);
  EXPECT_EQ(stats.bad, 6u);
  EXPECT_EQ(stats.accepted, 1u);
  EXPECT_EQ(stats.lines, 7u);
  EXPECT_EQ(log.size(), 1u);
}

TEST(KeyLogTest, FindNeedsThirtyTwoBytes) {
  KeyLog log;
  (void)log.add_text(line("CLIENT_TRAFFIC_SECRET_0", rfc8448::kClientApplicationSecret));
  const std::vector<uint8_t> short_random(31, 0);
  EXPECT_EQ(log.find(short_random), nullptr);
  EXPECT_EQ(log.find(std::vector<uint8_t>(32, 0)), nullptr);
}

}  // namespace
}  // namespace fp::decrypt
