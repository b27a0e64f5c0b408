// The DNS query parser (RFC 1035 4.1, RFC 6891 6.1) and our client fingerprint over hand-built
// messages: each byte below is laid out as the RFC's figures give it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/fingerprint.h"
#include "dns/message.h"

namespace fp::dns {
namespace {

using Wire = std::vector<uint8_t>;

void put16(Wire& w, uint16_t v) {
  w.push_back(static_cast<uint8_t>(v >> 8));
  w.push_back(static_cast<uint8_t>(v & 0xff));
}

Wire header(uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
  Wire w;
  put16(w, 0x1234);
  for (uint16_t v : {flags, qd, an, ns, ar}) put16(w, v);
  return w;
}

void put_name(Wire& w, const std::string& name) {
  size_t start = 0;
  while (start < name.size()) {
    const size_t dot = std::min(name.find('.', start), name.size());
    w.push_back(static_cast<uint8_t>(dot - start));
    w.insert(w.end(), name.begin() + static_cast<long>(start),
             name.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  w.push_back(0);
}

void put_question(Wire& w, const std::string& name, uint16_t type) {
  put_name(w, name);
  put16(w, type);
  put16(w, 1);  // IN
}

// OPT (RFC 6891 6.1.2): root name, type 41, CLASS = payload size, TTL = ext-rcode, version,
// DO + Z, then the options.
void put_opt(Wire& w, uint16_t size, bool dnssec_ok,
             const std::vector<std::pair<uint16_t, Wire>>& options, uint8_t version = 0) {
  w.push_back(0);
  put16(w, kTypeOpt);
  put16(w, size);
  w.push_back(0);
  w.push_back(version);
  put16(w, dnssec_ok ? 0x8000 : 0);
  Wire rdata;
  for (const auto& [code, value] : options) {
    put16(rdata, code);
    put16(rdata, static_cast<uint16_t>(value.size()));
    rdata.insert(rdata.end(), value.begin(), value.end());
  }
  put16(w, static_cast<uint16_t>(rdata.size()));
  w.insert(w.end(), rdata.begin(), rdata.end());
}

constexpr uint16_t kRd = 0x0100, kAd = 0x0020, kCd = 0x0010, kQr = 0x8000;

// As `dig +dnssec example.com` sends it: RD and AD, one question, OPT with DO and a cookie.
Wire dig_like() {
  Wire w = header(kRd | kAd, 1, 0, 0, 1);
  put_question(w, "example.com", 1);
  put_opt(w, 1232, true, {{10, Wire(8, 0xab)}});
  return w;
}

TEST(DnsMessage, HeaderQuestionAndOpt) {
  auto q = parse_query(dig_like());
  ASSERT_TRUE(q.ok()) << describe(q.error());
  EXPECT_EQ(q->id, 0x1234);
  EXPECT_EQ(q->opcode, 0);
  EXPECT_TRUE(q->rd);
  EXPECT_TRUE(q->ad);
  EXPECT_FALSE(q->cd);
  EXPECT_EQ(q->qdcount, 1);
  EXPECT_EQ(q->arcount, 1);
  ASSERT_EQ(q->questions.size(), 1u);
  EXPECT_EQ(q->questions[0].name, "example.com");
  EXPECT_EQ(q->questions[0].type, 1);
  ASSERT_TRUE(q->edns.has_value());
  EXPECT_EQ(q->edns->udp_payload_size, 1232);
  EXPECT_TRUE(q->edns->dnssec_ok);
  ASSERT_EQ(q->edns->options.size(), 1u);
  EXPECT_EQ(q->edns->options[0].code, 10);
  EXPECT_EQ(q->edns->options[0].length, 8);
}

TEST(DnsMessage, OpcodeAndCd) {
  Wire w = header(static_cast<uint16_t>((2u << 11) | kCd), 1, 0, 0, 0);  // STATUS
  put_question(w, "a", 28);
  auto q = parse_query(w);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->opcode, 2);
  EXPECT_TRUE(q->cd);
  EXPECT_FALSE(q->rd);
  EXPECT_FALSE(q->edns.has_value());
}

TEST(DnsMessage, CompressedNameInAdditionalRecord) {
  Wire w = header(kRd, 1, 0, 0, 2);
  put_question(w, "www.example.org", 1);
  w.push_back(0xc0);  // pointer to the question's name at offset 12
  w.push_back(12);
  put16(w, 1);
  put16(w, 1);
  put16(w, 0);
  put16(w, 60);
  put16(w, 4);
  for (int i = 0; i < 4; ++i) w.push_back(1);
  put_opt(w, 4096, false, {});
  auto q = parse_query(w);
  ASSERT_TRUE(q.ok()) << describe(q.error());
  ASSERT_TRUE(q->edns.has_value());
  EXPECT_EQ(q->edns->udp_payload_size, 4096);
  EXPECT_TRUE(q->edns->options.empty());
}

TEST(DnsMessage, PointerToItselfIsAnError) {
  Wire w = header(kRd, 1, 0, 0, 0);
  w.push_back(0xc0);
  w.push_back(12);  // the name at 12 points to 12
  put16(w, 1);
  put16(w, 1);
  auto q = parse_query(w);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error(), DnsError::kBadName);
}

TEST(DnsMessage, PointerForwardIsAnError) {
  Wire w = header(kRd, 1, 0, 0, 0);
  w.push_back(0xc0);
  w.push_back(40);
  put16(w, 1);
  put16(w, 1);
  EXPECT_EQ(parse_query(w).error(), DnsError::kBadName);
}

TEST(DnsMessage, LoopBetweenTwoNamesIsAnError) {
  // Question 1 "a" then a pointer chain 2 -> 1 -> ... each backwards: fine; then one that points
  // into its own chain again is refused (every hop must go lower than the last).
  Wire w = header(kRd, 2, 0, 0, 0);
  const uint8_t first = static_cast<uint8_t>(w.size());
  w.insert(w.end(), {1, 'a', 0xc0, first});  // "a" + pointer back to itself: a loop
  put16(w, 1);
  put16(w, 1);
  EXPECT_EQ(parse_query(w).error(), DnsError::kBadName);
}

TEST(DnsMessage, NameTooLong) {
  Wire w = header(kRd, 1, 0, 0, 0);
  for (int i = 0; i < 5; ++i) {
    w.push_back(63);
    w.insert(w.end(), 63, 'x');
  }
  w.push_back(0);
  put16(w, 1);
  put16(w, 1);
  EXPECT_EQ(parse_query(w).error(), DnsError::kBadName);
}

TEST(DnsMessage, ReservedLabelTypeIsAnError) {
  Wire w = header(kRd, 1, 0, 0, 0);
  w.insert(w.end(), {0x41, 0});
  put16(w, 1);
  put16(w, 1);
  EXPECT_EQ(parse_query(w).error(), DnsError::kBadName);
}

TEST(DnsMessage, TruncatedEverywhere) {
  const Wire full = dig_like();
  for (size_t n = 0; n < full.size(); ++n) {
    auto q = parse_query(Bytes(full.data(), n));
    EXPECT_FALSE(q.ok()) << n;
  }
}

TEST(DnsMessage, ResponseIsNotAQuery) {
  Wire w = dig_like();
  w[2] |= 0x80;
  EXPECT_TRUE(is_response(w));
  EXPECT_EQ(parse_query(w).error(), DnsError::kNotQuery);
}

TEST(DnsMessage, TwoOptRecords) {
  Wire w = header(kRd, 1, 0, 0, 2);
  put_question(w, "example.com", 1);
  put_opt(w, 1232, false, {});
  put_opt(w, 1232, false, {});
  EXPECT_EQ(parse_query(w).error(), DnsError::kTwoOpt);
}

TEST(DnsMessage, TooManyQuestions) {
  Wire w = header(kRd, kMaxQuestions + 1, 0, 0, 0);
  EXPECT_EQ(parse_query(w).error(), DnsError::kTooManyRecords);
}

TEST(DnsFingerprint, DigLikeQuery) {
  DnsClient c;
  add_query(c, *parse_query(dig_like()));
  const Fingerprint f = dns_fingerprint(c);
  // d, opcode 0, r a -, counts 1 0 0 1, EDNS version 0, DO, no mixed case; size; options; types
  EXPECT_EQ(f.raw, "d0ra-1001e0d-_1232_10_1");
  // sha256("10")[:12] and sha256("1")[:12] (coreutils sha256sum of the bare strings)
  EXPECT_EQ(f.hash, "d0ra-1001e0d-_1232_4a44dc153642_6b86b273ff34");
}

TEST(DnsFingerprint, NoEdnsAndEmptyLists) {
  Wire w = header(kRd, 0, 0, 0, 0);
  DnsClient c;
  add_query(c, *parse_query(w));
  const Fingerprint f = dns_fingerprint(c);
  EXPECT_EQ(f.raw, "d0r--0000nn--_0_00_00");
  EXPECT_EQ(f.hash, "d0r--0000nn--_0_000000000000_000000000000");
}

TEST(DnsFingerprint, TypesInOrderOfFirstUseAndMixedCase) {
  DnsClient c;
  for (auto [name, type] : {std::pair{"example.com", 28},
                            {"example.com", 1},
                            {"ExAmple.com", 28},
                            {"example.com", 65}}) {
    Wire w = header(kRd, 1, 0, 0, 0);
    put_question(w, name, static_cast<uint16_t>(type));
    add_query(c, *parse_query(w));
  }
  EXPECT_EQ(c.queries, 4u);
  EXPECT_EQ(c.query_types, (std::vector<uint16_t>{28, 1, 65}));
  EXPECT_TRUE(c.mixed_case);
  EXPECT_EQ(dns_fingerprint(c).raw, "d0r--1000nn-x_0_00_28-1-65");
}

TEST(DnsFingerprint, MixedCase) {
  EXPECT_TRUE(has_mixed_case("wWw.example.com"));
  EXPECT_FALSE(has_mixed_case("www.example.com"));
  EXPECT_FALSE(has_mixed_case("WWW.EXAMPLE.COM"));
  EXPECT_FALSE(has_mixed_case("123.456"));
}

TEST(DnsFingerprint, QueriesAreBounded) {
  DnsClient c;
  for (size_t i = 0; i < kMaxQueriesPerFlow + 10; ++i) {
    Wire w = header(kRd, 1, 0, 0, 0);
    put_question(w, "x", static_cast<uint16_t>(i + 1));
    add_query(c, *parse_query(w));
  }
  EXPECT_EQ(c.queries, kMaxQueriesPerFlow);
  EXPECT_EQ(c.query_types.size(), kMaxQueryTypes);
}

}  // namespace
}  // namespace fp::dns
