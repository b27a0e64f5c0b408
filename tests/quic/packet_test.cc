// Initial packet unprotection against RFC 9001 A.2/A.3 and RFC 9369 A.2, varints and packet
// numbers against RFC 9000 16 and A.3.
#include "quic/packet.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "quic/rfc_vectors.h"

namespace fp::quic {
namespace {

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

std::vector<uint8_t> client_plaintext() {
  std::vector<uint8_t> p = unhex(rfc::kClientCryptoFrame);
  p.resize(rfc::kClientPayloadSize, 0);
  return p;
}

TEST(Varint, Rfc9000Examples) {
  // RFC 9000 A.1: 8, 4, 2 and 1 byte encodings.
  const std::pair<const char*, uint64_t> cases[] = {{"c2197c5eff14e88c", 151288809941952652ull},
                                                    {"9d7f3e7d", 494878333},
                                                    {"7bbd", 15293},
                                                    {"25", 37},
                                                    {"4025", 37}};
  for (const auto& [hex, value] : cases) {
    const auto bytes = unhex(hex);
    ByteReader r(bytes);
    EXPECT_EQ(read_varint(r), value) << hex;
    EXPECT_TRUE(r.empty());
  }
  const auto cut = unhex("9d7f3e");
  ByteReader r(cut);
  EXPECT_FALSE(read_varint(r));
}

TEST(PacketNumber, Rfc9000AppendixA3) {
  EXPECT_EQ(decode_packet_number(0xa82f30eaull, 0x9b32, 16), 0xa82f9b32ull);
  EXPECT_EQ(decode_packet_number(std::nullopt, 2, 32), 2u);  // the first packet of a space
}

struct PacketVector {
  const char* name;
  const char* packet;
  uint32_t version;
};

class ClientInitialTest : public ::testing::TestWithParam<PacketVector> {};

TEST_P(ClientInitialTest, DecryptsToTheRfcPayload) {
  const auto datagram = unhex(GetParam().packet);
  ASSERT_EQ(datagram.size(), 1200u);
  const auto header = parse_initial_header(datagram);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->version, GetParam().version);
  EXPECT_EQ(hex_encode(header->dcid), rfc::kDcid);
  EXPECT_TRUE(header->scid.empty());
  EXPECT_EQ(header->pn_offset, 18u);
  EXPECT_EQ(header->packet_size, 1200u);

  const auto opened = open_initials(datagram, Sender::kClient);
  ASSERT_EQ(opened.size(), 1u);
  ASSERT_TRUE(opened[0]) << describe(opened[0].error());
  EXPECT_EQ(opened[0]->packet_number, 2u);
  EXPECT_EQ(opened[0]->payload, client_plaintext());
}

TEST_P(ClientInitialTest, ATamperedByteFailsTheTag) {
  auto datagram = unhex(GetParam().packet);
  datagram[600] ^= 0x01;
  const auto opened = open_initials(datagram, Sender::kClient);
  ASSERT_EQ(opened.size(), 1u);
  ASSERT_FALSE(opened[0]);
  EXPECT_EQ(opened[0].error(), PacketError::kDecryptFailed);
}

TEST_P(ClientInitialTest, TwoCoalescedPacketsBothOpen) {
  auto datagram = unhex(GetParam().packet);
  const auto one = datagram;
  datagram.insert(datagram.end(), one.begin(), one.end());
  const auto opened = open_initials(datagram, Sender::kClient);
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_TRUE(opened[0]);
  EXPECT_TRUE(opened[1]);
}

TEST_P(ClientInitialTest, EveryTruncationIsRefusedWithoutCrashing) {
  const auto datagram = unhex(GetParam().packet);
  for (size_t n = 0; n < datagram.size(); n += 7) {
    const auto opened = open_initials(Bytes(datagram).first(n), Sender::kClient);
    for (const auto& p : opened) EXPECT_FALSE(p) << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc, ClientInitialTest,
                         ::testing::Values(PacketVector{"v1", rfc::kClientInitialV1, kVersion1},
                                           PacketVector{"v2", rfc::kClientInitialV2, kVersion2}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ServerInitial, OpensWithTheClientsDcid) {
  const auto datagram = unhex(rfc::kServerInitialV1);
  const auto dcid = unhex(rfc::kDcid);
  const auto opened = open_initials(datagram, Sender::kServer, Bytes(dcid));
  ASSERT_EQ(opened.size(), 1u);
  ASSERT_TRUE(opened[0]) << describe(opened[0].error());
  EXPECT_EQ(opened[0]->packet_number, 1u);
  EXPECT_EQ(hex_encode(opened[0]->scid), "f067a5502a4262b5");
  EXPECT_EQ(opened[0]->payload, unhex(rfc::kServerPayloadV1));
  // With its own (empty) DCID the keys are wrong.
  const auto wrong = open_initials(datagram, Sender::kServer);
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_FALSE(wrong[0]);
}

TEST(ParseInitialHeader, RefusesWhatIsNotAnInitial) {
  EXPECT_EQ(parse_initial_header(unhex("40")).error(), PacketError::kNotLongHeader);
  EXPECT_EQ(parse_initial_header(unhex("c0ff00001d08")).error(), PacketError::kTruncated);
  // A Handshake packet (type 2) of v1.
  EXPECT_EQ(parse_initial_header(unhex("e0000000010000")).error(), PacketError::kNotInitial);
  // Version negotiation (version 0).
  EXPECT_EQ(parse_initial_header(unhex("c0000000000000")).error(), PacketError::kUnknownVersion);
  // A DCID length of 21.
  EXPECT_EQ(parse_initial_header(unhex("c00000000115")).error(), PacketError::kBadConnectionId);
}

}  // namespace
}  // namespace fp::quic
