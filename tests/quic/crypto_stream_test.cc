// CRYPTO stream reassembly and Initial frame reading. The RFC 9001 A.2 hello is the message;
// its length (0xed + 4 = 241 bytes) comes from the RFC's bytes.
#include "quic/crypto_stream.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "quic/frames.h"
#include "quic/initial_reader.h"
#include "quic/rfc_vectors.h"

namespace fp::quic {
namespace {

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

// The ClientHello inside the RFC's CRYPTO frame: frame type 06, offset 00, length 40f1.
std::vector<uint8_t> rfc_hello() {
  auto frame = unhex(rfc::kClientCryptoFrame);
  return {frame.begin() + 4, frame.end()};
}

TEST(InitialFrames, RfcPayloadHoldsOneCryptoFrameThenPadding) {
  auto payload = unhex(rfc::kClientCryptoFrame);
  payload.resize(rfc::kClientPayloadSize, 0);
  const InitialFrames f = read_initial_frames(payload);
  EXPECT_FALSE(f.malformed);
  ASSERT_EQ(f.crypto.size(), 1u);
  EXPECT_EQ(f.crypto[0].offset, 0u);
  EXPECT_EQ(f.crypto[0].data.size(), 0xf1u);
}

TEST(InitialFrames, ServerPayloadAckIsSkipped) {
  const auto payload = unhex(rfc::kServerPayloadV1);
  const InitialFrames f = read_initial_frames(payload);
  EXPECT_FALSE(f.malformed);
  ASSERT_EQ(f.crypto.size(), 1u);
  EXPECT_EQ(f.crypto[0].data.size(), 0x5au);
  EXPECT_EQ(f.crypto[0].data[0], 0x02);  // ServerHello
}

TEST(InitialFrames, StopsAtAFrameNotAllowedInInitial) {
  // PING, then STREAM (0x08), then a CRYPTO frame that must not be read.
  const auto payload = unhex("010800000600020101");
  const InitialFrames f = read_initial_frames(payload);
  EXPECT_TRUE(f.malformed);
  EXPECT_TRUE(f.crypto.empty());
}

TEST(InitialFrames, TruncatedCryptoFrameIsMalformed) {
  const auto payload = unhex("060005010000");
  const InitialFrames f = read_initial_frames(payload);
  EXPECT_TRUE(f.malformed);
  EXPECT_TRUE(f.crypto.empty());
}

TEST(CryptoStream, OutOfOrderOverlappingChunksGiveTheMessage) {
  const auto hello = rfc_hello();
  ASSERT_EQ(hello.size(), 241u);
  CryptoStream s;
  const Bytes all(hello);
  EXPECT_EQ(s.add(200, all.subspan(200)), CryptoStream::Status::kNeedMore);
  EXPECT_EQ(s.add(100, all.subspan(100, 120)), CryptoStream::Status::kNeedMore);
  EXPECT_EQ(s.add(100, all.subspan(100, 50)), CryptoStream::Status::kNeedMore);  // repeat
  EXPECT_EQ(s.add(0, all.first(3)), CryptoStream::Status::kNeedMore);  // length not known yet
  EXPECT_EQ(s.add(2, all.subspan(2, 100)), CryptoStream::Status::kDone);
  const Bytes message = s.first_message();
  EXPECT_TRUE(std::equal(message.begin(), message.end(), hello.begin(), hello.end()));
}

TEST(CryptoStream, DataBeyondTheLimitOverflows) {
  CryptoStream s(64);
  const std::vector<uint8_t> chunk(16, 0xaa);
  EXPECT_EQ(s.add(60, chunk), CryptoStream::Status::kOverflow);
  EXPECT_TRUE(s.first_message().empty());
  CryptoStream big(64);
  const auto header = unhex("01000100");  // a 256-byte message announced
  EXPECT_EQ(big.add(0, header), CryptoStream::Status::kOverflow);
  CryptoStream huge;
  EXPECT_EQ(huge.add(~uint64_t{0} - 2, chunk), CryptoStream::Status::kOverflow);
}

TEST(InitialReader, RfcClientInitialGivesTheHello) {
  for (const char* packet : {rfc::kClientInitialV1, rfc::kClientInitialV2}) {
    InitialReader reader(Sender::kClient);
    const auto datagram = unhex(packet);
    EXPECT_EQ(reader.add_datagram(datagram), CryptoStream::Status::kDone);
    const Bytes message = reader.first_message();
    const auto hello = rfc_hello();
    EXPECT_TRUE(std::equal(message.begin(), message.end(), hello.begin(), hello.end()));
    EXPECT_EQ(hex_encode(reader.first_dcid()), rfc::kDcid);
    EXPECT_EQ(reader.packets_opened(), 1u);
  }
}

}  // namespace
}  // namespace fp::quic
