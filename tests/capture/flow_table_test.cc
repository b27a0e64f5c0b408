// Stream numbering as tshark does it (TRAPS.md "Reading captures"): from 0 per transport in
// order of first packet, a new TCP stream when a SYN with a new ISN reuses a 5-tuple, the same
// stream for a retransmitted SYN; and the LRU bound.
#include "capture/flow_table.h"

#include <gtest/gtest.h>

#include "capture/conversation.h"
#include "capture/counters.h"
#include "core/limits.h"

namespace fp::capture {
namespace {

using test::Collector;
using test::Conversation;
using test::Wire;
namespace pb = fp::tcp::test;

tcp::Packet parse(const Wire& w) {
  auto p = tcp::parse_ip_packet(w);
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : tcp::Packet{};
}

Wire udp(const char* src, uint16_t sport, const char* dst, uint16_t dport) {
  return pb::ipv4({.protocol = 17, .src = src, .dst = dst},
                  pb::udp_datagram(sport, dport, {1, 2, 3}));
}

// Memory stays flat however many connections a capture holds: closed flows are forgotten past
// limits::kMaxClosedFlows, open ones are not touched.
TEST(FlowTable, ClosedFlowsAreBounded) {
  FlowTable table(limits::kMaxFlows, [](StreamRecord&&) {});
  AnalyzerCounters counters;
  int direction = -1;
  const size_t connections = limits::kMaxClosedFlows + 100;
  for (size_t i = 0; i < connections; ++i) {
    const std::string client = "10." + std::to_string(1 + (i >> 16)) + "." +
                               std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255);
    const Conversation c({client.c_str(), 40000, 7}, {"10.0.0.2", 443, 9});
    table.close(table.flow_for(parse(c.syn()), direction, counters), counters);
  }
  const Conversation open({"10.9.9.9", 1, 1}, {"10.0.0.2", 443, 2});
  Flow& still_open = table.flow_for(parse(open.syn()), direction, counters);
  EXPECT_EQ(table.size(), limits::kMaxClosedFlows + 1);
  EXPECT_FALSE(still_open.closed);
  EXPECT_EQ(still_open.stream, connections);  // numbering goes on past forgotten flows
  EXPECT_EQ(counters.flows_evicted, 0u);
}

TEST(FlowTable, BothDirectionsFindOneFlow) {
  const Conversation c({"10.0.0.1", 1111, 100}, {"10.0.0.2", 443, 900});
  FlowTable table(16, [](StreamRecord&&) {});
  AnalyzerCounters counters;
  int direction = -1;
  const Wire syn = c.syn(), syn_ack = c.syn_ack();
  Flow& a = table.flow_for(parse(syn), direction, counters);
  EXPECT_EQ(direction, 0);
  Flow& b = table.flow_for(parse(syn_ack), direction, counters);
  EXPECT_EQ(direction, 1);
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(a.stream, 0u);
  EXPECT_EQ(a.record->src.to_string(), "10.0.0.1");
  EXPECT_EQ(a.record->src_port, 1111);
  EXPECT_EQ(a.record->dst.to_string(), "10.0.0.2");
  EXPECT_EQ(a.record->dst_port, 443);
  EXPECT_EQ(counters.tcp_streams, 1u);
}

TEST(FlowTable, FirstSenderIsTheSourceEvenWhenItIsTheServer) {
  // tshark's src is the sender of the stream's first packet.
  const Conversation c({"10.0.0.1", 1111, 100}, {"10.0.0.2", 443, 900});
  FlowTable table(16, [](StreamRecord&&) {});
  AnalyzerCounters counters;
  int direction = -1;
  const Wire server_first = c.server_data(0, {1});
  Flow& f = table.flow_for(parse(server_first), direction, counters);
  EXPECT_EQ(direction, 0);
  EXPECT_EQ(f.record->src.to_string(), "10.0.0.2");
  EXPECT_EQ(f.record->src_port, 443);
  const Wire client = c.client_data(0, {2});
  (void)table.flow_for(parse(client), direction, counters);
  EXPECT_EQ(direction, 1);
}

TEST(FlowTable, UdpIsNumberedApartFromTcp) {
  FlowTable table(16, [](StreamRecord&&) {});
  AnalyzerCounters counters;
  int direction = -1;
  const Conversation t0({"10.0.0.1", 1000, 1}, {"10.0.0.2", 443, 2});
  const Conversation t1({"10.0.0.1", 1001, 1}, {"10.0.0.2", 443, 2});
  EXPECT_EQ(table.flow_for(parse(t0.syn()), direction, counters).stream, 0u);
  Flow& u0 = table.flow_for(parse(udp("10.0.0.1", 5353, "10.0.0.9", 53)), direction, counters);
  EXPECT_EQ(u0.stream, 0u);
  EXPECT_FALSE(u0.key.tcp);
  Flow& u1 = table.flow_for(parse(udp("10.0.0.1", 5354, "10.0.0.9", 53)), direction, counters);
  EXPECT_EQ(u1.stream, 1u);
  // The reply of the first UDP flow is the same flow, direction 1.
  Flow& u0_reply =
      table.flow_for(parse(udp("10.0.0.9", 53, "10.0.0.1", 5353)), direction, counters);
  EXPECT_EQ(&u0_reply, &u0);
  EXPECT_EQ(direction, 1);
  EXPECT_EQ(table.flow_for(parse(t1.syn()), direction, counters).stream, 1u);
  // Same ports as a TCP flow, but UDP: a flow of its own.
  Flow& u2 = table.flow_for(parse(udp("10.0.0.1", 1000, "10.0.0.2", 443)), direction, counters);
  EXPECT_EQ(u2.stream, 2u);
  EXPECT_EQ(counters.tcp_streams, 2u);
  EXPECT_EQ(counters.udp_streams, 3u);
}

// Through the Analyzer, which records each direction's ISN: records carry the SYN's JA4T, so
// every stream with a SYN is emitted and its number can be read.
TEST(StreamNumbering, NewIsnOnSameTupleStartsNextStream) {
  const Conversation first({"10.0.0.1", 2000, 1000}, {"10.0.0.2", 443, 50});
  const Conversation second({"10.0.0.1", 2000, 90000}, {"10.0.0.2", 443, 60});
  const Conversation other({"10.0.0.3", 2000, 5}, {"10.0.0.2", 443, 6});
  Collector out;
  out.add_all(
      {first.syn(), first.syn_ack(), first.ack(), second.syn(), other.syn(), second.syn_ack()});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 3u);
  // The first conversation is emitted when the second SYN replaces it.
  EXPECT_EQ(records[0].stream, 0u);
  EXPECT_TRUE(records[0].ja4ts.has_value());
  EXPECT_EQ(records[1].stream, 1u);
  EXPECT_EQ(records[1].src.to_string(), "10.0.0.1");
  EXPECT_TRUE(records[1].ja4ts.has_value());  // the second SYN+ACK went to the new stream
  EXPECT_EQ(records[2].stream, 2u);
  EXPECT_EQ(records[2].src.to_string(), "10.0.0.3");
  EXPECT_EQ(out.counters().tcp_streams, 3u);
}

TEST(StreamNumbering, RetransmittedSynIsTheSameStream) {
  const Conversation c({"10.0.0.1", 2001, 1000}, {"10.0.0.2", 443, 50});
  Collector out;
  out.add_all({c.syn(), c.syn(), c.syn(), c.syn_ack(), c.syn_ack(), c.ack()});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].stream, 0u);
  EXPECT_EQ(out.counters().tcp_streams, 1u);
}

TEST(StreamNumbering, SynAfterFinishedConversationStartsNextStream) {
  const Conversation c({"10.0.0.1", 2002, 1000}, {"10.0.0.2", 443, 50});
  const Conversation again({"10.0.0.1", 2002, 777777}, {"10.0.0.2", 443, 51});
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack(), c.client_fin(0), c.server_fin(0)});
  out.add_all({again.syn(), again.syn_ack()});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].stream, 0u);
  EXPECT_EQ(records[1].stream, 1u);
}

TEST(StreamNumbering, SameIsnAfterFinishedConversationIsTheSameStream) {
  const Conversation c({"10.0.0.1", 2004, 1000}, {"10.0.0.2", 443, 50});
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack(), c.client_fin(0), c.server_fin(0), c.syn()});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(out.counters().tcp_streams, 1u);
}

TEST(StreamNumbering, LatePacketsOfClosedStreamDoNotStartOne) {
  const Conversation c({"10.0.0.1", 2003, 1000}, {"10.0.0.2", 443, 50});
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack(), c.client_fin(0), c.server_fin(0), c.ack(),
               c.client_data(0, {1, 2, 3})});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(out.counters().tcp_streams, 1u);
}

TEST(StreamNumbering, EvictionPastMaxFlowsIsCounted) {
  const Conversation a({"10.0.0.1", 3000, 1}, {"10.0.0.2", 443, 2});
  const Conversation b({"10.0.0.1", 3001, 1}, {"10.0.0.2", 443, 2});
  const Conversation c({"10.0.0.1", 3002, 1}, {"10.0.0.2", 443, 2});
  Collector out(/*max_flows=*/2);
  out.add_all({a.syn(), b.syn(), a.syn_ack()});  // a is now the most recently active
  out.add(c.syn());                              // evicts b, the least recently active
  ASSERT_EQ(out.records().size(), 1u);
  EXPECT_EQ(out.records()[0].stream, 1u);
  EXPECT_EQ(out.counters().flows_evicted, 1u);
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].stream, 0u);
  EXPECT_EQ(records[2].stream, 2u);
  EXPECT_EQ(out.counters().flows_evicted, 1u);
}

TEST(StreamNumbering, ClosedFlowsEvictedAreNotCounted) {
  const Conversation a({"10.0.0.1", 3100, 1}, {"10.0.0.2", 443, 2});
  const Conversation b({"10.0.0.1", 3101, 1}, {"10.0.0.2", 443, 2});
  Collector out(/*max_flows=*/1);
  out.add_all({a.syn(), a.syn_ack(), a.client_fin(0), a.server_fin(0), b.syn()});
  EXPECT_EQ(out.counters().flows_evicted, 0u);
  EXPECT_EQ(out.finish().size(), 2u);
}

}  // namespace
}  // namespace fp::capture

namespace fp::capture {
namespace {

// The scenarios of a pcap written for the purpose and numbered by tshark 4.0.17
// (`tshark -r numbering.pcap -T fields -e tcp.stream`); each packet's expected stream is
// tshark's. Flags: S SYN, A ACK, R RST, F FIN, P PSH.
struct Step {
  bool from_client;
  uint16_t client_port;
  uint32_t seq, ack;
  uint8_t flags;
  bool data;
  uint64_t tshark_stream;
};

constexpr uint8_t S = tcp::flag::kSyn, A = tcp::flag::kAck, R = tcp::flag::kRst,
                  F = tcp::flag::kFin, P = tcp::flag::kPsh;

constexpr Step kTsharkNumbering[] = {
    // SYN, RST, the same SYN again: one stream.
    {true, 1001, 100, 0, S, false, 0},
    {false, 1001, 0, 101, R | A, false, 0},
    {true, 1001, 100, 0, S, false, 0},
    // Data first (base 4999), then a SYN with another number: a new stream.
    {true, 1002, 5000, 7000, A | P, true, 1},
    {true, 1002, 9000, 0, S, false, 2},
    // A whole conversation, then a SYN with a new ISN: a new stream.
    {true, 1003, 100, 0, S, false, 3},
    {false, 1003, 500, 101, S | A, false, 3},
    {true, 1003, 101, 501, A, false, 3},
    {true, 1003, 101, 501, F | A, false, 3},
    {false, 1003, 501, 102, F | A, false, 3},
    {true, 1003, 102, 502, A, false, 3},
    {true, 1003, 3000, 0, S, false, 4},
    // FIN both ways, then the first SYN again: the same stream.
    {true, 1004, 100, 0, S, false, 5},
    {false, 1004, 500, 101, S | A, false, 5},
    {true, 1004, 101, 501, F | A, false, 5},
    {false, 1004, 501, 102, F | A, false, 5},
    {true, 1004, 100, 0, S, false, 5},
    // The server's data first (its ACK sets the client's base to 899), then a SYN 4000: new.
    {false, 1005, 800, 900, A | P, true, 6},
    {true, 1005, 4000, 0, S, false, 7},
    // A second SYN+ACK with another number is not a new stream.
    {true, 1006, 100, 0, S, false, 8},
    {false, 1006, 500, 101, S | A, false, 8},
    {false, 1006, 777, 101, S | A, false, 8},
    // The SYN+ACK first (ack 101: the client's base is 100), then the SYN 100: the same stream.
    {false, 1101, 500, 101, S | A, false, 9},
    {true, 1101, 100, 0, S, false, 9},
    // Client data at 101 first (base 100), then SYN 100: the same; then SYN 101 elsewhere: new.
    {true, 1102, 101, 501, A | P, true, 10},
    {true, 1102, 100, 0, S, false, 10},
    {true, 1103, 101, 501, A | P, true, 11},
    {true, 1103, 101, 0, S, false, 12},
    // A RST without ACK sets nothing for the other side: the SYN that follows stays.
    {false, 1104, 500, 0, R, false, 13},
    {true, 1104, 100, 0, S, false, 13},
    // Server data acknowledging 101, then SYN 100: the same stream.
    {false, 1105, 500, 101, A | P, true, 14},
    {true, 1105, 100, 0, S, false, 14},
};

TEST(StreamNumbering, AsTsharkNumbersReusedTuples) {
  FlowTable table(1024, [](StreamRecord&&) {});
  AnalyzerCounters counters;
  size_t i = 0;
  for (const Step& s : kTsharkNumbering) {
    const Conversation c({"10.0.0.1", s.client_port, 0}, {"10.0.0.2", 443, 0});
    const Wire w = c.packet(
        s.from_client,
        {.seq = s.seq, .ack = s.ack, .flags = s.flags, .payload = s.data ? Wire{'x'} : Wire{}});
    int direction = -1;
    EXPECT_EQ(table.flow_for(parse(w), direction, counters).stream, s.tshark_stream)
        << "step " << i;
    ++i;
  }
}

}  // namespace
}  // namespace fp::capture
