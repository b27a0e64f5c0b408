// The capture pipeline end to end on packets built here: reassembly, protocol detection and the
// fingerprints in the emitted record. Expected fingerprints come from the specifications' worked
// examples (JA4.md, the Akamai paper's Chrome value) or were hashed outside this code base
// (Python hashlib over the JA4H strings written out in each test).
#include "capture/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "capture/conversation.h"
#include "capture/link_layer.h"
#include "http/h2_builder.h"
#include "support/client_hello_builder.h"

namespace fp::capture {
namespace {

using test::bytes_of;
using test::Collector;
using test::Conversation;
using test::Wire;

const test::Host kClient = {"192.0.2.10", 50000, 1000};
const test::Host kServer = {"198.51.100.20", 443, 700000};
const test::Host kClient6 = {"2001:db8::10", 50001, 0xfffffff0u};  // data wraps past 2^32
const test::Host kServer6 = {"2001:db8::20", 443, 42};

// The ClientHello of JA4.md's worked example.
fp::test::ClientHelloBuilder spec_hello() { return fp::test::ja4_spec_example_hello(); }
constexpr const char* kSpecJa4 = "t13d1516h2_8daaf6152771_e5627efa2ab1";

// The hello record cut in three pieces, as segments at their stream offsets.
std::vector<Wire> split_in_three(const Conversation& c, const Wire& bytes) {
  const size_t a = 7, b = bytes.size() / 2;  // the first cut falls inside the record header
  return {c.client_data(0, Wire(bytes.begin(), bytes.begin() + a)),
          c.client_data(a, Wire(bytes.begin() + a, bytes.begin() + b)),
          c.client_data(b, Wire(bytes.begin() + b, bytes.end()))};
}

TEST(Analyzer, ClientHelloInOrder) {
  const Conversation c(kClient, kServer);
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  out.add_all(split_in_three(c, spec_hello().record()));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  const StreamRecord& r = records[0];
  EXPECT_EQ(r.stream, 0u);
  EXPECT_EQ(r.transport, "tcp");
  EXPECT_EQ(r.src.to_string(), "192.0.2.10");
  EXPECT_EQ(r.dst.to_string(), "198.51.100.20");
  EXPECT_EQ(r.src_port, 50000);
  EXPECT_EQ(r.dst_port, 443);
  ASSERT_TRUE(r.tls.has_value());
  EXPECT_EQ(r.tls->ja4, kSpecJa4);
  EXPECT_EQ(r.tls->server_name, "example.com");
  EXPECT_TRUE(r.ja4t.has_value());
  EXPECT_TRUE(r.ja4ts.has_value());
}

TEST(Analyzer, ClientHelloOutOfOrderEveryPermutation) {
  const Conversation c(kClient, kServer);
  const std::vector<Wire> parts = split_in_three(c, spec_hello().record());
  std::vector<size_t> order = {0, 1, 2};
  do {
    Collector out;
    out.add_all({c.syn(), c.syn_ack(), c.ack()});
    for (size_t i : order) out.add(parts[i]);
    auto& records = out.finish();
    ASSERT_EQ(records.size(), 1u);
    ASSERT_TRUE(records[0].tls.has_value()) << order[0] << order[1] << order[2];
    EXPECT_EQ(records[0].tls->ja4, kSpecJa4) << order[0] << order[1] << order[2];
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(Analyzer, ClientHelloOutOfOrderWithRetransmissionsIpv6AcrossWrap) {
  // The client's ISN is 16 below 2^32, so the hello's bytes cross the sequence wrap.
  const Conversation c(kClient6, kServer6, /*ipv6=*/true);
  const std::vector<Wire> parts = split_in_three(c, spec_hello().record());
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack(), parts[2], parts[1], parts[2], parts[0], parts[1]});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].src.to_string(), "2001:db8::10");
  ASSERT_TRUE(records[0].tls.has_value());
  EXPECT_EQ(records[0].tls->ja4, kSpecJa4);
}

TEST(Analyzer, ClientHelloInSeveralRecords) {
  // The handshake message split over TLS records of 100 bytes, each record sent on its own.
  const Conversation c(kClient, kServer);
  const Wire bytes = spec_hello().record(0x0301, 100);
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  for (size_t off = 0; off < bytes.size(); off += 105) {
    const size_t end = std::min(bytes.size(), off + 105);
    out.add(c.client_data(off, Wire(bytes.begin() + off, bytes.begin() + end)));
  }
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].tls.has_value());
  EXPECT_EQ(records[0].tls->ja4, kSpecJa4);
}

TEST(Analyzer, ClientHelloWithoutHandshakeCaptured) {
  // A capture that starts mid-connection: no SYN, the hello is the first packet.
  const Conversation c(kClient, kServer);
  Collector out;
  out.add(c.client_data(0, spec_hello().record()));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].tls.has_value());
  EXPECT_EQ(records[0].tls->ja4, kSpecJa4);
  EXPECT_FALSE(records[0].ja4t.has_value());
}

TEST(Analyzer, FinBothWaysEmitsBeforeFinish) {
  const Conversation c(kClient, kServer);
  const Wire hello = spec_hello().record();
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack(), c.client_data(0, hello), c.client_fin(hello.size()),
               c.server_fin(0)});
  ASSERT_EQ(out.records().size(), 1u);
  ASSERT_TRUE(out.records()[0].tls.has_value());
  EXPECT_EQ(out.records()[0].tls->ja4, kSpecJa4);
  EXPECT_EQ(out.finish().size(), 1u);  // not emitted twice
}

TEST(Analyzer, HelloThroughEthernetFrame) {
  const Conversation c(kClient, kServer);
  const Wire ip = c.client_data(0, spec_hello().record());
  // MAC addresses, one 802.1Q tag, IPv4.
  const Wire frame = fp::tcp::test::cat({Wire(12, 0x02), {0x81, 0x00, 0x00, 0x05, 0x08, 0x00}, ip});
  std::vector<StreamRecord> records;
  Analyzer analyzer([&](StreamRecord&& r) { records.push_back(std::move(r)); });
  analyzer.add_frame({.timestamp_us = 1,
                      .original_length = static_cast<uint32_t>(frame.size()),
                      .data = frame,
                      .link_type = linktype::kEthernet});
  analyzer.add_frame({.data = frame, .link_type = 105});  // 802.11: not supported
  const Wire arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 0x08, 0x06, 0, 1};
  analyzer.add_frame({.data = arp, .link_type = linktype::kEthernet});
  analyzer.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].tls.has_value());
  EXPECT_EQ(records[0].tls->ja4, kSpecJa4);
  EXPECT_EQ(analyzer.counters().frames, 3u);
  EXPECT_EQ(analyzer.counters().unsupported_link, 1u);
  EXPECT_EQ(analyzer.counters().not_ip, 1u);
}

// Three pipelined requests; the first two carry Content-Length bodies, and the first body looks
// like a request itself: it must be skipped, not fingerprinted.
// JA4H (FoxIO JA4H spec): method, version, cookie n, referer n, header count, no language;
// then sha256[:12] of the header names in order, computed with Python hashlib:
//   "Host,Content-Type,Content-Length" -> 51b2f3543123
//   "Host,User-Agent"                  -> 818f42cc3fd7
//   "Host,Content-Length"              -> 13f82037755a
TEST(Analyzer, Http1PipelinedRequestsWithBodies) {
  const std::string requests =
      "POST /submit HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\n"
      "Content-Length: 18\r\n\r\nGET / HTTP/1.1\r\n\r\n"
      "GET /next HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test/1.0\r\n\r\n"
      "PUT /last HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nabcde";
  const Conversation c({"10.1.1.1", 40000, 5}, {"10.2.2.2", 80, 9});
  // Cut every 17 bytes, so that heads and bodies straddle segments; deliver the second half
  // before the first.
  std::vector<Wire> segments;
  for (size_t off = 0; off < requests.size(); off += 17) {
    segments.push_back(c.client_data(off, bytes_of(std::string_view(requests).substr(off, 17))));
  }
  std::rotate(segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(segments.size() / 2),
              segments.end());
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  out.add_all(segments);
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  const auto& http = records[0].http;
  ASSERT_EQ(http.size(), 3u);
  EXPECT_EQ(http[0].ja4h, "po11nn030000_51b2f3543123_000000000000_000000000000");
  EXPECT_EQ(http[0].method, "POST");
  EXPECT_EQ(http[0].target, "/submit");
  EXPECT_EQ(http[1].ja4h, "ge11nn020000_818f42cc3fd7_000000000000_000000000000");
  EXPECT_EQ(http[1].user_agent, "test/1.0");
  EXPECT_EQ(http[2].ja4h, "pu11nn020000_13f82037755a_000000000000_000000000000");
  EXPECT_EQ(http[2].target, "/last");
}

TEST(Analyzer, ServerResponsesAreNotRequests) {
  const Conversation c({"10.1.1.1", 40001, 5}, {"10.2.2.2", 80, 9});
  const Wire request = bytes_of("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack(), c.client_data(0, request),
               c.server_data(0, bytes_of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(records[0].http.size(), 1u);
  EXPECT_EQ(records[0].http[0].ja4h, "ge11nn010000_4a823118b9ba_000000000000_000000000000");
}

// HTTP/2 with prior knowledge: Chrome's SETTINGS, WINDOW_UPDATE and pseudo-header order give
// Chrome's published Akamai fingerprint.
TEST(Analyzer, H2cPrefaceGivesAkamaiFingerprint) {
  namespace h2 = fp::http::test;
  const Wire preface =
      h2::concat({h2::magic(), h2::settings({{1, 65536}, {2, 0}, {4, 6291456}, {6, 262144}}),
                  h2::window_update(0, 15663105),
                  h2::headers(1, h2::hpack_block({{":method", "GET"},
                                                  {":authority", "example.com"},
                                                  {":scheme", "http"},
                                                  {":path", "/"}}))});
  const Conversation c({"10.1.1.1", 40002, 77}, {"10.2.2.2", 80, 99});
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  // The magic split in the middle, so that detection must wait for the rest of it.
  out.add(c.client_data(0, Wire(preface.begin(), preface.begin() + 10)));
  out.add(c.client_data(10, Wire(preface.begin() + 10, preface.end())));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].akamai.has_value());
  EXPECT_EQ(records[0].akamai->raw, "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p");
  EXPECT_EQ(records[0].akamai->hash, "52d84b11737d980aef856699f885ca86");
  ASSERT_EQ(records[0].http.size(), 1u);
  EXPECT_EQ(records[0].http[0].method, "GET");
}

TEST(Analyzer, NotTlsNotHttpGivesOnlyTcpFingerprints) {
  const Conversation c({"10.1.1.1", 40003, 1}, {"10.2.2.2", 22, 2});
  Collector out;
  out.add_all(
      {c.syn(), c.syn_ack(), c.ack(), c.client_data(0, bytes_of("SSH-2.0-OpenSSH_9.2\r\n"))});
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].tls.has_value());
  EXPECT_TRUE(records[0].http.empty());
  EXPECT_TRUE(records[0].ja4t.has_value());
}

TEST(Analyzer, TruncatedHelloAtEndOfCaptureCountsNoRecordOfIt) {
  const Conversation c({"10.1.1.1", 40004, 1}, {"10.2.2.2", 443, 2});
  const Wire hello = spec_hello().record();
  Collector out;
  out.add(c.client_data(0, Wire(hello.begin(), hello.begin() + 60)));
  auto& records = out.finish();
  EXPECT_TRUE(records.empty());  // nothing but a partial hello: no fingerprint
}

}  // namespace
}  // namespace fp::capture
