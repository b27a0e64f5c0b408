// A server's plaintext Certificate message through the whole capture pipeline (reassembly across
// records, handshake scan, capture/certificates.h), and JA4L from the packets' timestamps. The
// certificates are ipv6.pcapng's (tests/tls/vectors/certificates.tsv, extracted with tshark);
// the expected JA4X values are the Wireshark plugin's ja4.ja4x for that frame (frame 7 of
// testdata/ja4/expected/wireshark/ipv6.pcapng.json), also rust-json's for tcp stream 0.
#include "capture/certificates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "capture/conversation.h"
#include "capture/counters.h"
#include "core/hex.h"
#include "support/client_hello_builder.h"

namespace fp::capture {
namespace {

using test::Conversation;
using test::Wire;

constexpr const char* kLeafJa4x = "7d5dbb3783b4_ba7ce0880c07_7bf9a7bf7029";
constexpr const char* kIntermediateJa4x = "7d5dbb3783b4_7d5dbb3783b4_41a019652939";

std::vector<Wire> ipv6_chain() {
  std::ifstream in(std::filesystem::path(FP_SOURCE_DIR) / "tests/tls/vectors/certificates.tsv");
  std::vector<Wire> chain;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("ipv6.pcapng\t", 0) != 0) continue;
    chain.push_back(hex_decode(line.substr(line.rfind('\t') + 1)).value_or(Wire{}));
  }
  return chain;
}

void put_u24(Wire& out, size_t n) {
  out.insert(out.end(), {static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                         static_cast<uint8_t>(n)});
}

Wire certificate_body(const std::vector<Wire>& chain, bool tls13) {
  Wire list;
  for (const Wire& c : chain) {
    put_u24(list, c.size());
    list.insert(list.end(), c.begin(), c.end());
    if (tls13) list.insert(list.end(), {0, 0});
  }
  Wire body;
  if (tls13) body.push_back(0);
  put_u24(body, list.size());
  body.insert(body.end(), list.begin(), list.end());
  return body;
}

// Handshake messages cut into TLS 1.2 records of at most `record_size` bytes.
Wire records_of(const Wire& handshake, size_t record_size) {
  Wire out;
  for (size_t at = 0; at < handshake.size(); at += record_size) {
    const size_t n = std::min(record_size, handshake.size() - at);
    out.insert(out.end(),
               {0x16, 0x03, 0x03, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
    out.insert(out.end(), handshake.begin() + at, handshake.begin() + at + n);
  }
  return out;
}

TEST(Certificates, ServerFlightThroughTheAnalyzer) {
  const std::vector<Wire> chain = ipv6_chain();
  ASSERT_EQ(chain.size(), 2u);
  Wire handshake = fp::test::ServerHelloBuilder().message();
  const Wire body = certificate_body(chain, false);
  handshake.push_back(11);  // Certificate
  put_u24(handshake, body.size());
  handshake.insert(handshake.end(), body.begin(), body.end());
  handshake.insert(handshake.end(), {14, 0, 0, 0});  // ServerHelloDone
  const Wire flight = records_of(handshake, 1000);

  const Conversation c({"192.0.2.10", 50000, 1000}, {"198.51.100.20", 443, 700000});
  test::Collector out;
  out.analyzer().add_ip_packet(1'000, c.syn());
  out.analyzer().add_ip_packet(38'722, c.syn_ack());
  out.analyzer().add_ip_packet(38'792, c.ack());
  for (size_t at = 0; at < flight.size(); at += 1400) {
    const size_t n = std::min<size_t>(1400, flight.size() - at);
    out.analyzer().add_ip_packet(
        40'000, c.server_data(at, Wire(flight.begin() + at, flight.begin() + at + n)));
  }
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  const StreamRecord& r = records[0];
  ASSERT_EQ(r.tls_certs.size(), 1u);
  ASSERT_EQ(r.tls_certs[0].x509.size(), 2u);
  EXPECT_EQ(r.tls_certs[0].x509[0].ja4x, kLeafJa4x);
  EXPECT_EQ(r.tls_certs[0].x509[1].ja4x, kIntermediateJa4x);
  EXPECT_EQ(out.counters().x509_errors, 0u);
  // (38722 - 1000) / 2 and (38792 - 38722) / 2; the test packets' TTL is 64.
  EXPECT_EQ(r.ja4l_s, "18861_64");
  EXPECT_EQ(r.ja4l_c, "35_64");
}

TEST(Certificates, BothMessageFormsGiveTheSameRecords) {
  const std::vector<Wire> chain = ipv6_chain();
  const auto tls12 = certificate_records(certificate_body(chain, false), false);
  const auto tls13 = certificate_records(certificate_body(chain, true), true);
  ASSERT_EQ(tls12.size(), 2u);
  ASSERT_EQ(tls13.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(tls12[i].ja4x, tls13[i].ja4x);
    EXPECT_EQ(tls12[i].names, tls13[i].names);
  }
  EXPECT_EQ(tls12[1].ja4x, kIntermediateJa4x);
}

TEST(Certificates, BadCertificateIsCountedAndLeftOut) {
  std::vector<Wire> chain = ipv6_chain();
  chain.insert(chain.begin() + 1, Wire{0x30, 0x03, 0x02, 0x01});  // cut short
  StreamRecord r;
  AnalyzerCounters counters;
  add_certificates(certificate_body(chain, false), false, r, counters);
  ASSERT_EQ(r.tls_certs.size(), 1u);
  EXPECT_EQ(r.tls_certs[0].x509.size(), 2u);
  EXPECT_EQ(counters.x509_errors, 1u);
  add_certificates(Wire{0, 0, 9}, false, r, counters);  // list runs past the body
  EXPECT_EQ(counters.x509_errors, 2u);
  EXPECT_EQ(r.tls_certs.size(), 1u);
}

TEST(Certificates, MessagesPerStreamAreBounded) {
  const Wire body = certificate_body(ipv6_chain(), false);
  StreamRecord r;
  AnalyzerCounters counters;
  for (size_t i = 0; i < kMaxCertificateMessagesPerStream + 2; ++i) {
    add_certificates(body, false, r, counters);
  }
  EXPECT_EQ(r.tls_certs.size(), kMaxCertificateMessagesPerStream);
}

}  // namespace
}  // namespace fp::capture
