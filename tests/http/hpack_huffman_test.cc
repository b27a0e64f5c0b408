// HPACK Huffman decoding (RFC 7541 5.2) through its internal entry points: the Huffman-coded
// strings of the RFC's Appendix C.4 (expected texts from the RFC), alone and two at a time, and
// the octets after a string, which the decoder may load but must never use.
#include "http/hpack_huffman.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"

namespace fp::http {
namespace {

struct Coded {
  std::string hex;
  std::string text;
};

// RFC 7541 C.4.1 to C.4.3.
const std::vector<Coded> kRfcStrings = {
    {"f1e3c2e5f23a6ba0ab90f4ff", "www.example.com"},
    {"a8eb10649cbf", "no-cache"},
    {"25a849e95ba97d7f", "custom-key"},
    {"25a849e95bb8e8b4bf", "custom-value"},
};

std::vector<uint8_t> unhex(const std::string& hex) {
  return hex_decode(hex).value_or(std::vector<uint8_t>{});
}

// Decodes the first `size` octets of `buffer`, which may all be loaded.
std::optional<std::string> decode(const std::vector<uint8_t>& buffer, size_t size) {
  std::string out(huffman_decoded_bound(size), '\0');
  const auto n = huffman_decode(Bytes(buffer).first(size), out, buffer.size());
  if (!n) return std::nullopt;
  out.resize(*n);
  return out;
}

std::optional<std::string> decode(const std::vector<uint8_t>& encoded) {
  return decode(encoded, encoded.size());
}

std::pair<std::optional<std::string>, std::optional<std::string>> decode_pair(
    const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  std::string out_a(huffman_decoded_bound(a.size()), '\0');
  std::string out_b(huffman_decoded_bound(b.size()), '\0');
  const HuffmanPair got = huffman_decode_pair({a, a.size()}, out_a, {b, b.size()}, out_b);
  std::pair<std::optional<std::string>, std::optional<std::string>> texts;
  if (got.a) texts.first = out_a.substr(0, *got.a);
  if (got.b) texts.second = out_b.substr(0, *got.b);
  return texts;
}

TEST(HpackHuffman, RfcStringsAlone) {
  for (const Coded& c : kRfcStrings) EXPECT_EQ(decode(unhex(c.hex)), c.text) << c.hex;
  EXPECT_EQ(decode({}), "");
}

TEST(HpackHuffman, RfcStringsInPairs) {
  for (const Coded& a : kRfcStrings) {
    for (const Coded& b : kRfcStrings) {
      const auto [got_a, got_b] = decode_pair(unhex(a.hex), unhex(b.hex));
      EXPECT_EQ(got_a, a.text) << a.hex << " with " << b.hex;
      EXPECT_EQ(got_b, b.text) << b.hex << " with " << a.hex;
    }
  }
}

TEST(HpackHuffman, PairReportsEachStringsError) {
  const auto bad_padding = unhex("18");  // 'a' (00011), then 000: padding not all ones
  const auto eos = unhex("ffffffff");    // EOS (30 ones) inside the string
  const auto no_cache = unhex("a8eb10649cbf");
  auto got = decode_pair(bad_padding, no_cache);
  EXPECT_FALSE(got.first.has_value());
  EXPECT_EQ(got.second, "no-cache");
  got = decode_pair(no_cache, eos);
  EXPECT_EQ(got.first, "no-cache");
  EXPECT_FALSE(got.second.has_value());
}

// The decoder loads 8 octets at a time and may read past the string within `readable`: the
// octets there must change nothing, neither the symbols nor the padding checks.
TEST(HpackHuffman, OctetsAfterTheStringAreNotUsed) {
  for (const uint8_t filler : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x5a}}) {
    for (const Coded& c : kRfcStrings) {
      auto buffer = unhex(c.hex);
      const size_t size = buffer.size();
      buffer.resize(size + 20, filler);
      EXPECT_EQ(decode(buffer, size), c.text) << c.hex << " filler " << int(filler);
    }
    const auto with_filler = [&](std::vector<uint8_t> b) {
      b.resize(b.size() + 20, filler);
      return b;
    };
    EXPECT_EQ(decode(with_filler(unhex("1f")), 1), "a") << "a and 3 bits of padding";
    EXPECT_EQ(decode(with_filler(unhex("18")), 1), std::nullopt) << "padding not all ones";
    EXPECT_EQ(decode(with_filler(unhex("1fff")), 2), std::nullopt) << "11 bits of padding";
    EXPECT_EQ(decode(with_filler(unhex("ffffffff")), 4), std::nullopt) << "EOS";
    EXPECT_EQ(decode(with_filler({}), 0), "") << "empty";
  }
}

}  // namespace
}  // namespace fp::http
