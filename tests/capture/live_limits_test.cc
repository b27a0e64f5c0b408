// What only a live capture turns on (analyzer.h LiveLimits, flow_table.h track_activity): idle
// flows are emitted after the timeout on packet time, least recently active first, and the
// stream bytes buffered across flows stay under their budget. `analyze` (no limits) is untouched.
#include <gtest/gtest.h>

#include "capture/analyzer.h"
#include "capture/conversation.h"

namespace fp::capture {
namespace {

using test::bytes_of;
using test::Conversation;
using test::Wire;

constexpr int64_t kSecond = 1'000'000;

struct Live {
  explicit Live(LiveLimits limits)
      : analyzer([this](StreamRecord&& r) { records.push_back(std::move(r)); }, 1024, limits) {}
  void add(double seconds, const Wire& ip) {
    analyzer.add_ip_packet(static_cast<int64_t>(seconds * kSecond), ip);
  }
  std::vector<StreamRecord> records;
  Analyzer analyzer;
};

const Conversation kA({"10.0.0.1", 40001, 100}, {"10.0.0.9", 80, 900});
const Conversation kB({"10.0.0.2", 40002, 200}, {"10.0.0.9", 80, 800});

void open(Live& live, const Conversation& c, double at) {
  live.add(at, c.syn());
  live.add(at, c.syn_ack());
  live.add(at, c.ack());
}

TEST(LiveLimits, IdleFlowIsEmittedOnceAfterTheTimeout) {
  Live live({.idle_timeout_us = kSecond});
  open(live, kA, 0.0);
  live.add(0.1, kA.client_data(0, bytes_of("GET /idle HTTP/1.1\r\nHost: a\r\n\r\n")));
  live.analyzer.expire_idle(static_cast<int64_t>(1.05 * kSecond));
  EXPECT_TRUE(live.records.empty());  // last packet 0.95 s ago
  live.analyzer.expire_idle(static_cast<int64_t>(1.2 * kSecond));
  ASSERT_EQ(live.records.size(), 1u);
  ASSERT_EQ(live.records[0].http.size(), 1u);
  EXPECT_EQ(live.records[0].http[0].target, "/idle");
  EXPECT_EQ(live.analyzer.counters().idle_expired, 1u);
  // Late packets of the expired flow start nothing; the end emits nothing more.
  live.add(2.0, kA.client_data(31, bytes_of("GET /late HTTP/1.1\r\n\r\n")));
  live.analyzer.finish();
  EXPECT_EQ(live.records.size(), 1u);
}

TEST(LiveLimits, LeastRecentlyActiveExpiresFirst) {
  Live live({.idle_timeout_us = kSecond});
  open(live, kA, 0.0);
  open(live, kB, 0.5);
  live.add(0.8, kA.client_data(0, bytes_of("GET /a HTTP/1.1\r\n\r\n")));
  live.analyzer.expire_idle(static_cast<int64_t>(1.6 * kSecond));
  ASSERT_EQ(live.records.size(), 1u);
  EXPECT_EQ(live.records[0].src_port, 40002);  // B, silent since 0.5 s; A spoke at 0.8 s
  live.analyzer.expire_idle(static_cast<int64_t>(1.9 * kSecond));
  ASSERT_EQ(live.records.size(), 2u);
  EXPECT_EQ(live.records[1].src_port, 40001);
}

TEST(LiveLimits, PacketTimeExpiresWithoutATick) {
  // The capture loop calls expire_idle with each frame's time: a busy link needs no timer.
  Live live({.idle_timeout_us = kSecond});
  open(live, kA, 0.0);
  open(live, kB, 5.0);
  live.analyzer.expire_idle(5 * kSecond);
  ASSERT_EQ(live.records.size(), 1u);
  EXPECT_EQ(live.records[0].src_port, 40001);
}

TEST(LiveLimits, BufferedBytesStayUnderTheBudget) {
  Live live({.max_buffered_bytes = 100});
  open(live, kA, 0.0);
  open(live, kB, 0.1);
  // Heads without their blank line: each flow keeps its 60 bytes, waiting for the rest.
  const Wire partial = bytes_of("GET /" + std::string(40, 'x') + " HTTP/1.1\r\nHost: h\r\n");
  live.add(0.2, kA.client_data(0, partial));
  EXPECT_EQ(live.analyzer.buffered_bytes(), partial.size());
  EXPECT_TRUE(live.records.empty());
  live.add(0.3, kB.client_data(0, partial));
  // Over 100: A, the least recently active, is emitted early (its SYN's JA4T) and freed.
  ASSERT_EQ(live.records.size(), 1u);
  EXPECT_EQ(live.records[0].src_port, 40001);
  EXPECT_TRUE(live.records[0].ja4t.has_value());
  EXPECT_EQ(live.analyzer.counters().flows_evicted_bytes, 1u);
  EXPECT_EQ(live.analyzer.buffered_bytes(), partial.size());
  live.analyzer.finish();
  EXPECT_EQ(live.records.size(), 2u);
  EXPECT_EQ(live.analyzer.buffered_bytes(), 0u);
}

TEST(LiveLimits, AnalyzeHasNone) {
  std::vector<StreamRecord> records;
  Analyzer analyzer([&](StreamRecord&& r) { records.push_back(std::move(r)); });
  analyzer.add_ip_packet(0, kA.syn());
  analyzer.expire_idle(1000 * kSecond);
  EXPECT_TRUE(records.empty());
  EXPECT_EQ(analyzer.buffered_bytes(), 0u);  // not tracked
  analyzer.finish();
  EXPECT_EQ(records.size(), 1u);
}

}  // namespace
}  // namespace fp::capture
