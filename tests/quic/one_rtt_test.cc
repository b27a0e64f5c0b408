// 1-RTT packets (quic/packet.h open_short_header, quic/initial_keys.h one_rtt_keys,
// quic/frames.h read_stream_frames, quic/control_stream.h) on frame 54 of
// chrome-cloudflare-quic-with-secrets.pcapng: the client's first packet carrying stream 2. Its
// secret is the capture's Decryption Secrets Block line CLIENT_TRAFFIC_SECRET_0 48a7bc20...;
// the DCID is the server's 20-byte SCID 0130dfc5... . What tshark 4.0.17 decrypts there:
//   tshark -r chrome-cloudflare-quic-with-secrets.pcapng -Y frame.number==54 -T fields
//     -e quic.packet_number -e quic.frame_type -e quic.stream.stream_id -e quic.stream_data
//   -> packet number 4, one frame of type 8 (STREAM, no offset, no length), stream 2, data below.
#include <gtest/gtest.h>

#include "core/hex.h"
#include "quic/control_stream.h"
#include "quic/frames.h"
#include "quic/packet.h"

namespace fp::quic {
namespace {

constexpr const char* kFrame54 =
    "440130dfc5a047e6acd230b5c5e047ced9b0a6bbf05c2e12534f313717844a6694822268fabdc14c5d3706e17a55"
    "0bc7a39a8a97f249393cb25c809de8059d8dd2df604872b5b9c78fa2c371bde92ca176";
constexpr const char* kClientTrafficSecret =
    "aa811d6aa2374b5d06563ba419b8dad25a3be0a7b4cb810e75a41402f540d1b4";
constexpr const char* kTsharkStreamData =
    "00041d01800100000680040000074064c0000015025e2915c000000071c31df8c00000077d593fed00";
constexpr size_t kServerCidLength = 20;

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

InitialKeys chrome_keys() { return *one_rtt_keys(kVersion1, unhex(kClientTrafficSecret)); }

TEST(OneRtt, OpensTheChromePacketAsTsharkDoes) {
  const auto packet = open_short_header(unhex(kFrame54), kServerCidLength, chrome_keys());
  ASSERT_TRUE(packet.ok()) << describe(packet.error());
  EXPECT_EQ(packet->packet_number, 4u);
  const StreamFrames frames = read_stream_frames(packet->payload);
  EXPECT_FALSE(frames.malformed);
  ASSERT_EQ(frames.streams.size(), 1u);
  EXPECT_EQ(frames.streams[0].stream_id, 2u);
  EXPECT_EQ(frames.streams[0].offset, 0u);
  EXPECT_EQ(hex_encode(frames.streams[0].data), kTsharkStreamData);
}

TEST(OneRtt, ControlStreamReaderFindsTheSettings) {
  ControlStreamReader reader(chrome_keys(), kServerCidLength);
  ASSERT_EQ(reader.add_datagram(unhex(kFrame54)), ControlStreamReader::Status::kDone);
  EXPECT_EQ(reader.settings().settings.size(), 4u);  // values: http3_settings_test.cc
}

TEST(OneRtt, WrongKeysOrHeadersDoNotOpen) {
  auto other = chrome_keys();
  other.key[0] ^= 1;
  const auto tampered = open_short_header(unhex(kFrame54), kServerCidLength, other);
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.error(), PacketError::kDecryptFailed);
  auto long_header = unhex(kFrame54);
  long_header[0] |= 0x80;
  EXPECT_EQ(open_short_header(long_header, kServerCidLength, chrome_keys()).error(),
            PacketError::kNotShortHeader);
  EXPECT_EQ(open_short_header(unhex("40aabb"), kServerCidLength, chrome_keys()).error(),
            PacketError::kTooShortForSample);
  EXPECT_EQ(open_short_header(unhex(kFrame54), 21, chrome_keys()).error(),
            PacketError::kBadConnectionId);
  EXPECT_FALSE(one_rtt_keys(kVersion1, unhex("aabb")).has_value());
}

TEST(OneRtt, StreamFramesOfEveryShape) {
  // PING; STREAM 0x0e (OFF|LEN) id 2 off 5 len 2; ACK; MAX_DATA; STREAM 0x09 (FIN) id 6, rest.
  const auto payload = unhex("010e020502aabb020100000010410009060102");
  const auto f = read_stream_frames(payload);  // views into payload
  EXPECT_FALSE(f.malformed);
  ASSERT_EQ(f.streams.size(), 2u);
  EXPECT_EQ(f.streams[0].stream_id, 2u);
  EXPECT_EQ(f.streams[0].offset, 5u);
  EXPECT_EQ(hex_encode(f.streams[0].data), "aabb");
  EXPECT_EQ(f.streams[1].stream_id, 6u);
  EXPECT_TRUE(f.streams[1].fin);
  EXPECT_EQ(hex_encode(f.streams[1].data), "0102");
  EXPECT_TRUE(read_stream_frames(unhex("0e0205")).malformed);  // ends inside the frame
  EXPECT_TRUE(read_stream_frames(unhex("40ff")).malformed);    // unknown type
}

}  // namespace
}  // namespace fp::quic
