#include "capture/tcp_reassembly.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/limits.h"

namespace fp::capture {
namespace {

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

std::string text(const TcpDirection& d) {
  const Bytes b = d.available();
  return std::string(b.begin(), b.end());
}

void add(TcpDirection& d, uint32_t seq, std::string_view payload) {
  const std::vector<uint8_t> b = bytes_of(payload);
  d.add_segment(seq, b);
}

TEST(TcpDirection, InOrderSegments) {
  TcpDirection d;
  d.on_syn(1000);
  add(d, 1001, "hello ");
  add(d, 1007, "world");
  EXPECT_EQ(text(d), "hello world");
  EXPECT_EQ(d.delivered(), 11u);
  EXPECT_FALSE(d.overflowed());
}

TEST(TcpDirection, WithoutSynFirstSegmentFixesStart) {
  TcpDirection d;
  add(d, 5000, "abc");
  add(d, 5003, "def");
  EXPECT_EQ(text(d), "abcdef");
}

TEST(TcpDirection, SynThenDataStartsOnePastSyn) {
  TcpDirection d;
  d.on_syn(41);
  add(d, 43, "b");  // one byte ahead of the first data byte: waits
  EXPECT_EQ(text(d), "");
  add(d, 42, "a");
  EXPECT_EQ(text(d), "ab");
}

TEST(TcpDirection, RetransmittedSynChangesNothing) {
  TcpDirection d;
  d.on_syn(100);
  add(d, 101, "xy");
  d.on_syn(100);
  d.on_syn(7);
  add(d, 103, "z");
  EXPECT_EQ(text(d), "xyz");
}

TEST(TcpDirection, OutOfOrderSegmentsAreReordered) {
  TcpDirection d;
  d.on_syn(0);
  add(d, 7, "ghi");
  add(d, 4, "def");
  EXPECT_EQ(text(d), "");
  add(d, 1, "abc");
  EXPECT_EQ(text(d), "abcdefghi");
  EXPECT_EQ(d.delivered(), 9u);
}

TEST(TcpDirection, ExactRetransmissionIsDropped) {
  TcpDirection d;
  d.on_syn(0);
  add(d, 1, "abc");
  add(d, 1, "abc");
  add(d, 4, "def");
  add(d, 4, "def");
  EXPECT_EQ(text(d), "abcdef");
  EXPECT_EQ(d.delivered(), 6u);
}

TEST(TcpDirection, OverlappingRetransmissionKeepsOnlyNewBytes) {
  TcpDirection d;
  d.on_syn(0);
  add(d, 1, "abcde");
  add(d, 3, "cdefgh");  // bytes 3..5 repeat, 6..8 are new
  EXPECT_EQ(text(d), "abcdefgh");
}

TEST(TcpDirection, PendingSegmentsOverlapEachOther) {
  TcpDirection d;
  d.on_syn(0);
  add(d, 6, "fgh");
  add(d, 3, "cdefg");
  add(d, 1, "ab");
  EXPECT_EQ(text(d), "abcdefgh");
}

TEST(TcpDirection, SequenceNumbersWrapAround) {
  // The ISN sits 6 below 2^32: data crosses from 0xfffffff9 to 0x00000004.
  TcpDirection d;
  d.on_syn(0xfffffff8u);
  add(d, 0x00000001u, "ghi");  // past the wrap, arrives first
  add(d, 0xfffffffcu, "def");  // 0xfffffffc .. 0xfffffffe
  add(d, 0xfffffff9u, "abc");
  EXPECT_EQ(text(d), "abcdef");  // 0xffffffff is still missing
  add(d, 0xffffffffu, "!+");     // covers 0xffffffff and 0x00000000
  EXPECT_EQ(text(d), "abcdef!+ghi");
}

TEST(TcpDirection, OldSegmentAcrossWrapIsRetransmission) {
  TcpDirection d;
  d.on_syn(0xfffffffdu);
  add(d, 0xfffffffeu, "abcd");  // 0xfffffffe, 0xffffffff, 0, 1
  add(d, 0xffffffffu, "bc");    // old bytes from before the wrap
  add(d, 2, "e");
  EXPECT_EQ(text(d), "abcde");
}

TEST(TcpDirection, PendingSegmentsAreBounded) {
  TcpDirection d;
  d.on_syn(0);
  // Every segment leaves a one-byte gap before it, so none can be delivered.
  for (size_t i = 0; i < limits::kMaxPendingSegments; ++i) {
    add(d, static_cast<uint32_t>(10 + 2 * i), "x");
  }
  EXPECT_FALSE(d.overflowed());
  add(d, 10 + 2 * limits::kMaxPendingSegments, "y");
  EXPECT_TRUE(d.overflowed());
  EXPECT_EQ(text(d), "");
}

TEST(TcpDirection, OverflowAtStreamPrefixLimit) {
  TcpDirection d;
  d.on_syn(0);
  const std::string chunk(1000, 'a');
  uint32_t seq = 1;
  size_t sent = 0;
  while (sent + chunk.size() <= limits::kMaxStreamPrefix) {
    add(d, seq, chunk);
    seq += static_cast<uint32_t>(chunk.size());
    sent += chunk.size();
  }
  EXPECT_FALSE(d.overflowed());
  const size_t room = limits::kMaxStreamPrefix - sent;
  add(d, seq, chunk);  // only `room` of these fit
  EXPECT_TRUE(d.overflowed());
  EXPECT_EQ(d.available().size(), limits::kMaxStreamPrefix);
  EXPECT_EQ(d.delivered(), sent + chunk.size());  // seen in order, though not all kept
  EXPECT_LT(room, chunk.size());
}

TEST(TcpDirection, ExactlyAtLimitIsNotOverflow) {
  TcpDirection d;
  d.on_syn(0);
  const std::string all(limits::kMaxStreamPrefix, 'b');
  add(d, 1, all);
  EXPECT_FALSE(d.overflowed());
  EXPECT_EQ(d.available().size(), limits::kMaxStreamPrefix);
  add(d, 1 + static_cast<uint32_t>(all.size()), "c");
  EXPECT_TRUE(d.overflowed());
  EXPECT_EQ(d.available().size(), limits::kMaxStreamPrefix);
}

TEST(TcpDirection, ConsumeAdvancesAndIsClamped) {
  TcpDirection d;
  d.on_syn(0);
  add(d, 1, "abcdef");
  d.consume(2);
  EXPECT_EQ(text(d), "cdef");
  d.consume(100);
  EXPECT_EQ(text(d), "");
  add(d, 7, "gh");
  EXPECT_EQ(text(d), "gh");
}

TEST(TcpDirection, ConsumedBytesFreeRoomUnderTheLimit) {
  // A long stream read as it goes (HTTP/1 pipelining) never overflows: the limit is on bytes
  // held, not on bytes seen, and compaction keeps the held bytes intact.
  TcpDirection d;
  d.on_syn(0);
  uint32_t seq = 1;
  std::string expected_tail;
  for (int i = 0; i < 300; ++i) {
    const std::string chunk(997, static_cast<char>('a' + i % 26));
    add(d, seq, chunk);
    seq += static_cast<uint32_t>(chunk.size());
    // Consume all but the last 10 bytes; they must survive compaction.
    d.consume(d.available().size() - 10);
    ASSERT_EQ(text(d), chunk.substr(chunk.size() - 10)) << i;
  }
  EXPECT_FALSE(d.overflowed());
  EXPECT_EQ(d.delivered(), 300u * 997u);
}

TEST(TcpDirection, CompactionKeepsUnconsumedBytes) {
  TcpDirection d;
  d.on_syn(0);
  add(d, 1, "0123456789");
  d.consume(6);  // more than half consumed: the next append compacts
  add(d, 11, "ab");
  EXPECT_EQ(text(d), "6789ab");
  d.consume(1);
  add(d, 13, "c");
  EXPECT_EQ(text(d), "789abc");
}

TEST(TcpDirection, ReleaseDropsEverything) {
  TcpDirection d;
  d.on_syn(0);
  add(d, 1, "abc");
  add(d, 10, "pending");
  d.release();
  EXPECT_TRUE(d.released());
  EXPECT_EQ(text(d), "");
  add(d, 4, "def");
  EXPECT_EQ(text(d), "");
}

TEST(TcpDirection, EmptyPayloadIsIgnored) {
  TcpDirection d;
  d.add_segment(500, Bytes{});  // a pure ACK must not fix the start
  add(d, 600, "a");
  EXPECT_EQ(text(d), "a");
}

}  // namespace
}  // namespace fp::capture
