// The client's HTTP/3 control stream (quic/http3_settings.h). kChromeControlStream is what
// tshark 4.0.17 decrypts as chrome-cloudflare-quic-with-secrets.pcapng's stream 2 (frame 54):
//   tshark -r chrome-cloudflare-quic-with-secrets.pcapng -Y 'quic.stream.stream_id == 2'
//     -T fields -e quic.stream_data
// Decoded by hand from RFC 9114 6.2.1 and 7.2.4 (varints, RFC 9000 16):
//   00 control stream | 04 SETTINGS, 1d = 29 bytes |
//   01 80010000 QPACK_MAX_TABLE_CAPACITY 65536 | 06 80040000 MAX_FIELD_SECTION_SIZE 262144 |
//   07 4064 QPACK_BLOCKED_STREAMS 100 | c0000015025e2915 c000000071c31df8 GREASE id
//   (0x15025e2915 = 0x1f * N + 0x21) | then a reserved frame c00000077d593fed, length 00.
#include "quic/http3_settings.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "core/hex.h"
#include "quic/limits.h"

namespace fp::quic {
namespace {

constexpr const char* kChromeControlStream =
    "00041d01800100000680040000074064c0000015025e2915c000000071c31df8c00000077d593fed00";

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

TEST(Http3Settings, ChromeControlStream) {
  const auto s = parse_control_stream_settings(unhex(kChromeControlStream));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->settings.size(), 4u);
  EXPECT_EQ(s->settings[0].id, 1u);
  EXPECT_EQ(s->settings[0].value, 65536u);
  EXPECT_EQ(s->settings[1].id, 6u);
  EXPECT_EQ(s->settings[1].value, 262144u);
  EXPECT_EQ(s->settings[2].id, 7u);
  EXPECT_EQ(s->settings[2].value, 100u);
  EXPECT_EQ(s->settings[3].id, 0x15025e2915u);
  EXPECT_EQ(s->settings[3].value, 0x71c31df8u);
  EXPECT_TRUE(is_grease_http3_setting(s->settings[3].id));
  const std::string raw = "1:65536;6:262144;7:100;GREASE";
  EXPECT_EQ(http3_settings_fingerprint(*s), (Fingerprint{raw, sha256_hex12(raw)}));
}

TEST(Http3Settings, GreaseIds) {
  EXPECT_TRUE(is_grease_http3_setting(0x21));
  EXPECT_TRUE(is_grease_http3_setting(0x21 + 0x1f * 7));
  EXPECT_FALSE(is_grease_http3_setting(0x20));
  EXPECT_FALSE(is_grease_http3_setting(0x22));
}

TEST(Http3Settings, EmptySettingsFrame) {
  const auto s = parse_control_stream_settings(unhex("000400"));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->settings.empty());
  EXPECT_EQ(http3_settings_fingerprint(*s).hash, "000000000000");
}

TEST(Http3Settings, Errors) {
  const struct {
    const char* hex;
    Http3Error error;
  } cases[] = {
      {"", Http3Error::kNeedMore},
      {"00", Http3Error::kNeedMore},
      {"00041d01", Http3Error::kNeedMore},          // the frame is longer than the bytes
      {"02040101", Http3Error::kNotControlStream},  // QPACK encoder stream
      {"000100", Http3Error::kNotSettings},         // HEADERS first
      {"00040201c0", Http3Error::kMalformed},       // value varint runs past the frame
      {"00040101", Http3Error::kMalformed},         // id without a value
  };
  for (const auto& c : cases) {
    const auto s = parse_control_stream_settings(unhex(c.hex));
    ASSERT_FALSE(s.ok()) << c.hex;
    EXPECT_EQ(s.error(), c.error) << c.hex;
  }
}

TEST(Http3Settings, TooManyIsBounded) {
  std::vector<uint8_t> frame;
  for (size_t i = 0; i <= limits::kMaxHttp3Settings; ++i) frame.insert(frame.end(), {0x01, 0x00});
  // Stream type 0x00, SETTINGS, then the frame length as a 2-byte varint (prefix 0b01).
  std::vector<uint8_t> stream{0x00, 0x04, static_cast<uint8_t>(0x40 | (frame.size() >> 8)),
                              static_cast<uint8_t>(frame.size())};
  stream.insert(stream.end(), frame.begin(), frame.end());
  const auto s = parse_control_stream_settings(stream);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), Http3Error::kTooMany);
}

}  // namespace
}  // namespace fp::quic
