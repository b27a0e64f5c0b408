#include "core/hex.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace fp {
namespace {

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Hex, EncodeLowerCase) {
  const std::vector<uint8_t> data = {0x00, 0x01, 0xab, 0xff, 0x10};
  EXPECT_EQ(hex_encode(data), "0001abff10");
  EXPECT_EQ(hex_encode({}), "");
}

TEST(Hex, Hex4IsFixedWidth) {
  EXPECT_EQ(hex4(0), "0000");
  EXPECT_EQ(hex4(0xc02b), "c02b");
  EXPECT_EQ(hex4(0x0a0a), "0a0a");
  std::string out = "x";
  append_hex4(out, 0x1301);
  EXPECT_EQ(out, "x1301");
}

TEST(Hex, DecodeAcceptsCaseSpacesAndColons) {
  EXPECT_EQ(hex_decode("DEADbeef"), (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(hex_decode("de:ad be\nef\t"), (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(hex_decode(""), std::vector<uint8_t>{});
}

TEST(Hex, DecodeRejectsOddAndNonHex) {
  EXPECT_EQ(hex_decode("abc"), std::nullopt);
  EXPECT_EQ(hex_decode("zz"), std::nullopt);
  EXPECT_EQ(hex_decode("0x12"), std::nullopt);
}

TEST(Hex, RoundTrip) {
  std::vector<uint8_t> all(256);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(hex_decode(hex_encode(all)), all);
}

// RFC 4648 section 10 test vectors.
struct Base64Vector {
  const char* plain;
  const char* encoded;
};
constexpr Base64Vector kRfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64, Rfc4648EncodeVectors) {
  for (const auto& v : kRfc4648) EXPECT_EQ(base64_encode(bytes_of(v.plain)), v.encoded) << v.plain;
}

TEST(Base64, Rfc4648DecodeVectors) {
  for (const auto& v : kRfc4648)
    EXPECT_EQ(base64_decode(v.encoded), bytes_of(v.plain)) << v.encoded;
}

TEST(Base64, DecodeWithoutPaddingAndWithWhitespace) {
  EXPECT_EQ(base64_decode("Zg"), bytes_of("f"));
  EXPECT_EQ(base64_decode("Zm8"), bytes_of("fo"));
  EXPECT_EQ(base64_decode("Zm9v\nYmFy\r\n"), bytes_of("foobar"));
}

TEST(Base64, UrlSafeAlphabet) {
  // RFC 4648 section 5: '-' and '_' stand for '+' and '/'. 0xfb 0xff encodes as "+/8=" / "-_8=".
  EXPECT_EQ(base64_encode(std::vector<uint8_t>{0xfb, 0xff}), "+/8=");
  EXPECT_EQ(base64_decode("+/8="), (std::vector<uint8_t>{0xfb, 0xff}));
  EXPECT_EQ(base64_decode("-_8="), (std::vector<uint8_t>{0xfb, 0xff}));
}

TEST(Base64, DecodeRejectsBadInput) {
  EXPECT_EQ(base64_decode("Zm9v!"), std::nullopt);
  EXPECT_EQ(base64_decode("Zg==Zg"), std::nullopt);  // data after padding
  EXPECT_EQ(base64_decode("Z"), std::nullopt);       // one character is under a byte
  EXPECT_EQ(base64_decode("Zm9vY"), std::nullopt);
}

TEST(Base64, RoundTrip) {
  for (size_t n = 0; n < 40; ++n) {
    std::vector<uint8_t> data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 37 + n);
    EXPECT_EQ(base64_decode(base64_encode(data)), data) << n;
  }
}

}  // namespace
}  // namespace fp
