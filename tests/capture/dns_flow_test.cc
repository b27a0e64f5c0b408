// DNS in the capture (capture/dns_flow.h): queries over UDP and TCP port 53 make the record's
// `dns`; answers are not read; `dns_transport` says do53 / dot / doh where the record shows it.
#include <gtest/gtest.h>

#include "capture/conversation.h"
#include "capture/dns_flow.h"
#include "capture/record_json.h"

namespace fp::capture {
namespace {

using test::Collector;
using test::Conversation;
using test::Wire;
namespace pb = fp::tcp::test;

// `dig example.com AAAA` without EDNS: id 0x0102, RD, one question (RFC 1035 4.1).
Wire query(uint16_t type, const char* name =
                              "\x07"
                              "example"
                              "\x03"
                              "com") {
  Wire w = {0x01, 0x02, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  for (const char* p = name; *p != 0; ++p) w.push_back(static_cast<uint8_t>(*p));
  w.insert(w.end(), {0, 0, static_cast<uint8_t>(type), 0, 1});
  return w;
}

Wire response_to(Wire q) {
  q[2] |= 0x80;
  return q;
}

Wire udp(const char* src, uint16_t sport, const char* dst, uint16_t dport, const Wire& payload) {
  return pb::ipv4({.protocol = 17, .src = src, .dst = dst},
                  pb::udp_datagram(sport, dport, payload));
}

TEST(DnsFlow, UdpQueriesMakeOneRecord) {
  Collector c;
  c.add(udp("10.0.0.1", 5353, "10.0.0.53", 53, query(1)));
  c.add(udp("10.0.0.53", 53, "10.0.0.1", 5353, response_to(query(1))));
  c.add(udp("10.0.0.1", 5353, "10.0.0.53", 53, query(28)));
  auto& records = c.finish();
  ASSERT_EQ(records.size(), 1u);
  const StreamRecord& r = records[0];
  ASSERT_TRUE(r.dns.has_value());
  EXPECT_EQ(r.dns->queries, 2u);  // the answer is not a query
  EXPECT_EQ(r.dns->query_types, (std::vector<uint16_t>{1, 28}));
  EXPECT_EQ(r.dns->first_name, "example.com");
  EXPECT_EQ(r.transport, "udp");
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(dns_transport(r), "do53");
  const std::string json = to_json_line(r);
  EXPECT_NE(json.find("\"dns_transport\":\"do53\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"fingerprint_raw\":\"d0r--1000nn--_0_00_1-28\""), std::string::npos)
      << json;
}

TEST(DnsFlow, OtherUdpIsNotDns) {
  Collector c;
  c.add(udp("10.0.0.1", 5353, "10.0.0.9", 5300, query(1)));
  EXPECT_TRUE(c.finish().empty());
}

TEST(DnsFlow, BadQueryIsCounted) {
  Collector c;
  c.add(udp("10.0.0.1", 5353, "10.0.0.53", 53, Wire{1, 2, 3}));
  EXPECT_TRUE(c.finish().empty());
  EXPECT_EQ(c.counters().dns_errors, 1u);
}

TEST(DnsFlow, TcpMessagesBehindTheirLength) {
  const Conversation conv({"10.0.0.1", 40000, 100}, {"10.0.0.53", 53, 900});
  auto framed = [](const Wire& m) {
    Wire w = {static_cast<uint8_t>(m.size() >> 8), static_cast<uint8_t>(m.size() & 0xff)};
    w.insert(w.end(), m.begin(), m.end());
    return w;
  };
  Wire two = framed(query(1));
  const Wire second = framed(query(65));
  two.insert(two.end(), second.begin(), second.end());
  Collector c;
  c.add_all({conv.syn(), conv.syn_ack(), conv.ack()});
  // The first message split across two segments, the second in the second segment.
  c.add(conv.client_data(0, Wire(two.begin(), two.begin() + 10)));
  c.add(conv.client_data(10, Wire(two.begin() + 10, two.end())));
  c.add(conv.server_data(0, framed(response_to(query(1)))));
  auto& records = c.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].dns.has_value());
  EXPECT_EQ(records[0].dns->query_types, (std::vector<uint16_t>{1, 65}));
  EXPECT_TRUE(records[0].ja4t.has_value());
}

TEST(DnsFlow, TransportFromTls) {
  StreamRecord r;
  r.transport = "tcp";
  r.dst_port = 853;
  EXPECT_FALSE(dns_transport(r).has_value());  // no TLS seen: unknown
  r.tls.emplace();
  EXPECT_EQ(dns_transport(r), "dot");
  r.dst_port = 443;
  EXPECT_FALSE(dns_transport(r).has_value());
  r.tls->server_name = "dns.google";
  EXPECT_EQ(dns_transport(r), "doh");
  r.tls->server_name = "example.com";
  HttpRecord request;
  request.target = "/dns-query?dns=AAABAAAB";
  r.http.push_back(request);
  EXPECT_EQ(dns_transport(r), "doh");
}

}  // namespace
}  // namespace fp::capture
