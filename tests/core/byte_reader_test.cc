#include "core/byte_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace fp {
namespace {

TEST(ByteReader, ReadsBigEndianIntegers) {
  const std::vector<uint8_t> data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  ByteReader r(data);
  EXPECT_EQ(r.u8(), 0x01);
  EXPECT_EQ(r.u16(), 0x0203);
  EXPECT_EQ(r.u24(), 0x040506u);
  EXPECT_EQ(r.u32(), 0x0708090au);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.position(), 10u);
}

TEST(ByteReader, LittleEndianU16) {
  const std::vector<uint8_t> data = {0x34, 0x12};
  ByteReader r(data);
  EXPECT_EQ(r.u16_le(), 0x1234);
}

TEST(ByteReader, ShortReadFailsAndLeavesCursor) {
  const std::vector<uint8_t> data = {0xaa, 0xbb, 0xcc};
  ByteReader r(data);
  EXPECT_EQ(r.u32(), std::nullopt);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.u24(), 0xaabbccu);
  EXPECT_EQ(r.u8(), std::nullopt);
  EXPECT_EQ(r.u16(), std::nullopt);
  EXPECT_EQ(r.u16_le(), std::nullopt);
  EXPECT_EQ(r.position(), 3u);
}

TEST(ByteReader, EmptyInput) {
  ByteReader r(Bytes{});
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.u8(), std::nullopt);
  EXPECT_TRUE(r.skip(0));
  EXPECT_FALSE(r.skip(1));
  auto none = r.bytes(0);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST(ByteReader, BytesAndSkipRespectBounds) {
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5};
  ByteReader r(data);
  EXPECT_TRUE(r.skip(2));
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_FALSE(r.skip(4));
  EXPECT_EQ(r.remaining(), 3u);
  auto b = r.bytes(3);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(std::vector<uint8_t>(b->begin(), b->end()), (std::vector<uint8_t>{3, 4, 5}));
  EXPECT_EQ(r.bytes(1), std::nullopt);
}

TEST(ByteReader, RestIsAViewOfTheRemainder) {
  const std::vector<uint8_t> data = {9, 8, 7};
  ByteReader r(data);
  (void)r.u8();
  EXPECT_EQ(r.rest().size(), 2u);
  EXPECT_EQ(r.rest().data(), data.data() + 1);
}

TEST(ByteReader, LengthPrefixedReadsBody) {
  // opaque x<0..2^16-1> holding 3 bytes, then one trailing byte.
  const std::vector<uint8_t> data = {0x00, 0x03, 0xa, 0xb, 0xc, 0xff};
  ByteReader r(data);
  auto body = r.length_prefixed<2>();
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(std::vector<uint8_t>(body->begin(), body->end()),
            (std::vector<uint8_t>{0xa, 0xb, 0xc}));
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(ByteReader, LengthPrefixedRollsBackWhenBodyIsShort) {
  // The length says 5, only 2 bytes follow: the length byte must not stay consumed.
  const std::vector<uint8_t> data = {0x05, 0x01, 0x02};
  ByteReader r(data);
  EXPECT_EQ(r.length_prefixed<1>(), std::nullopt);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.u8(), 0x05);
}

TEST(ByteReader, LengthPrefixedMissingLength) {
  const std::vector<uint8_t> data = {0x00, 0x00};
  ByteReader r(data);
  EXPECT_EQ(r.length_prefixed<3>(), std::nullopt);
  EXPECT_EQ(r.position(), 0u);
}

TEST(ByteReader, LengthPrefixedZeroLength) {
  const std::vector<uint8_t> data = {0x00, 0x00, 0x00};
  ByteReader r(data);
  auto body = r.length_prefixed<3>();
  ASSERT_TRUE(body.has_value());
  EXPECT_TRUE(body->empty());
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace fp
