// Proxy handshakes built byte by byte from their specifications: SOCKS4 ("SOCKS: A protocol for
// TCP proxy across firewalls") and its 4A extension, SOCKS5 (RFC 1928) with username/password
// authentication (RFC 1929), HTTP CONNECT (RFC 9110 9.3.6, whose example request is used). Then
// the analyzer skipping them: the hello inside is JA4.md's worked example, so its JA4 is the
// spec's value.
#include "capture/proxy_handshake.h"

#include <gtest/gtest.h>

#include "capture/conversation.h"
#include "support/client_hello_builder.h"

namespace fp::capture {
namespace {

using test::bytes_of;
using test::Wire;

// SOCKS4 CONNECT to 192.0.2.1:80, USERID "fred".
const Wire kSocks4Request = {4, 1, 0, 80, 192, 0, 2, 1, 'f', 'r', 'e', 'd', 0};
// SOCKS4A CONNECT to example.com:443: DSTIP 0.0.0.1, empty USERID, then the HOSTNAME.
const Wire kSocks4aRequest = {4,   1,   0x01, 0xbb, 0,   0,   0,   1,   0,   'e', 'x',
                              'a', 'm', 'p',  'l',  'e', '.', 'c', 'o', 'm', 0};
const Wire kSocks4Granted = {0, 90, 0, 0, 0, 0, 0, 0};
const Wire kSocks4Rejected = {0, 91, 0, 0, 0, 0, 0, 0};
// SOCKS5: greeting offering "no authentication", CONNECT to example.com:443 (ATYP 3).
const Wire kSocks5Request = {5,   1,   0,   5,   1,   0,   3,   11,  'e',  'x', 'a',
                             'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', 0x01, 0xbb};
// SOCKS5 offering no-auth and username/password, RFC 1929 "user"/"pass", CONNECT to IPv4.
const Wire kSocks5AuthRequest = {5,   2,   0, 2, 1, 4, 'u', 's', 'e', 'r', 4,    'p', 'a',
                                 's', 's', 5, 1, 0, 1, 192, 0,   2,   1,   0x01, 0xbb};
// Method "no authentication", then the reply "succeeded" bound to 0.0.0.0:0.
const Wire kSocks5Granted = {5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
// Method username/password, RFC 1929 status success, reply bound to an IPv6 address.
const Wire kSocks5AuthGranted = {5, 2, 1, 0, 5, 0, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0, 0,    0,    1,    0x04, 0x38};
const std::string kConnect =
    "CONNECT server.example.com:80 HTTP/1.1\r\nHost: server.example.com\r\n\r\n";
const std::string kConnectOk = "HTTP/1.1 200 OK\r\n\r\n";

Wire plus_tls(const Wire& handshake) {
  Wire out = handshake;
  for (uint8_t b : {0x16, 0x03, 0x01, 0x00, 0x05}) out.push_back(b);
  return out;
}

struct Case {
  const char* name;
  Wire bytes;
  ProxyKind kind;
  bool request;
  bool granted;
};

class ProxyHandshake : public ::testing::TestWithParam<Case> {};

TEST_P(ProxyHandshake, WholeHandshakeIsConsumedAndTunnelBytesAreNot) {
  const Case& c = GetParam();
  const Wire with_tls = plus_tls(c.bytes);
  const ProxyScan scan =
      c.request ? scan_proxy_request(with_tls) : scan_proxy_reply(c.kind, with_tls);
  ASSERT_EQ(scan.status, ProxyStatus::kDone) << describe(scan.error);
  EXPECT_EQ(scan.kind, c.kind);
  EXPECT_EQ(scan.consumed, c.bytes.size());
  EXPECT_EQ(scan.granted, c.granted);
}

TEST_P(ProxyHandshake, EveryProperPrefixNeedsMore) {
  const Case& c = GetParam();
  for (size_t n = 1; n < c.bytes.size(); ++n) {
    const Bytes prefix = Bytes(c.bytes).first(n);
    const ProxyScan scan =
        c.request ? scan_proxy_request(prefix) : scan_proxy_reply(c.kind, prefix);
    EXPECT_EQ(scan.status, ProxyStatus::kNeedMore) << "prefix of " << n << " bytes";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Specs, ProxyHandshake,
    ::testing::Values(
        Case{"socks4_request", kSocks4Request, ProxyKind::kSocks4, true, true},
        Case{"socks4a_request", kSocks4aRequest, ProxyKind::kSocks4, true, true},
        Case{"socks4_granted", kSocks4Granted, ProxyKind::kSocks4, false, true},
        Case{"socks4_rejected", kSocks4Rejected, ProxyKind::kSocks4, false, false},
        Case{"socks5_request", kSocks5Request, ProxyKind::kSocks5, true, true},
        Case{"socks5_auth_request", kSocks5AuthRequest, ProxyKind::kSocks5, true, true},
        Case{"socks5_granted", kSocks5Granted, ProxyKind::kSocks5, false, true},
        Case{"socks5_auth_granted", kSocks5AuthGranted, ProxyKind::kSocks5, false, true},
        Case{"socks5_no_acceptable_method", Wire{5, 0xff}, ProxyKind::kSocks5, false, false},
        Case{"socks5_auth_failure", Wire{5, 2, 1, 1}, ProxyKind::kSocks5, false, false},
        Case{"socks5_connection_refused", Wire{5, 0, 5, 5, 0, 1, 0, 0, 0, 0, 0, 0},
             ProxyKind::kSocks5, false, false},
        Case{"connect_request", bytes_of(kConnect), ProxyKind::kHttpConnect, true, true},
        Case{"connect_ok", bytes_of(kConnectOk), ProxyKind::kHttpConnect, false, true},
        Case{"connect_after_interim",
             bytes_of("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 Connection established\r\n"
                      "Via: proxy\r\n\r\n"),
             ProxyKind::kHttpConnect, false, true},
        Case{"connect_proxy_auth_required",
             bytes_of("HTTP/1.1 407 Proxy Authentication Required\r\n"
                      "Proxy-Authenticate: Basic realm=\"p\"\r\n\r\n"),
             ProxyKind::kHttpConnect, false, false}),
    [](const auto& info) { return std::string(info.param.name); });

ProxyError request_error(const Wire& w) {
  const ProxyScan scan = scan_proxy_request(w);
  EXPECT_EQ(scan.status, ProxyStatus::kError);
  return scan.error;
}

TEST(ProxyHandshakeErrors, OtherProtocolsAreNotProxiesFromTheFirstByte) {
  EXPECT_EQ(request_error({0x16, 0x03, 0x01}), ProxyError::kNotProxy);
  EXPECT_EQ(request_error({0x16}), ProxyError::kNotProxy);
  EXPECT_EQ(request_error(bytes_of("G")), ProxyError::kNotProxy);
  EXPECT_EQ(request_error(bytes_of("COPY /a HTTP/1.1\r\n\r\n")), ProxyError::kNotProxy);
  EXPECT_EQ(request_error(bytes_of("connect a:1 HTTP/1.1\r\n\r\n")), ProxyError::kNotProxy);
}

TEST(ProxyHandshakeErrors, CommandsWithoutATunnelAreUnsupported) {
  EXPECT_EQ(request_error({4, 2, 0, 21, 192, 0, 2, 1, 0}), ProxyError::kUnsupported);  // BIND
  EXPECT_EQ(request_error({5, 1, 0, 5, 3, 0, 1, 0, 0, 0, 0, 0, 0}),  // UDP ASSOCIATE
            ProxyError::kUnsupported);
  const ProxyScan gssapi = scan_proxy_reply(ProxyKind::kSocks5, Wire{5, 1});
  EXPECT_EQ(gssapi.status, ProxyStatus::kError);
  EXPECT_EQ(gssapi.error, ProxyError::kUnsupported);
}

TEST(ProxyHandshakeErrors, BadFields) {
  EXPECT_EQ(request_error({5, 0}), ProxyError::kNotProxy);                    // no methods
  EXPECT_EQ(request_error({5, 1, 0, 5, 1, 1}), ProxyError::kBadField);        // RSV not 0
  EXPECT_EQ(request_error({5, 1, 0, 5, 1, 0, 2}), ProxyError::kBadField);     // ATYP 2
  EXPECT_EQ(request_error({5, 1, 0, 5, 1, 0, 3, 0}), ProxyError::kBadField);  // empty name
  // RFC 1929 only after the client offered method 2.
  EXPECT_EQ(request_error({5, 1, 0, 1, 1, 'u', 1, 'p'}), ProxyError::kNotProxy);
  EXPECT_EQ(request_error(bytes_of("CONNECT  HTTP/1.1\r\n\r\n")), ProxyError::kBadField);
  EXPECT_EQ(request_error(bytes_of("CONNECT a:1 HTTP/2.0\r\n\r\n")), ProxyError::kBadField);
  const ProxyScan reply = scan_proxy_reply(ProxyKind::kSocks4, Wire{4, 90, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(reply.error, ProxyError::kBadField);  // the reply's VN is 0
  const ProxyScan status =
      scan_proxy_reply(ProxyKind::kHttpConnect, bytes_of("HTTP/1.1 2x\r\n\r\n"));
  EXPECT_EQ(status.error, ProxyError::kBadField);
}

TEST(ProxyHandshakeErrors, LimitsTrip) {
  Wire long_user = {4, 1, 0, 80, 192, 0, 2, 1};
  long_user.resize(long_user.size() + kMaxSocks4Field, 'u');
  EXPECT_EQ(scan_proxy_request(long_user).status, ProxyStatus::kNeedMore);  // 255 bytes: fine
  long_user.push_back('u');
  EXPECT_EQ(request_error(long_user), ProxyError::kTooLong);
  std::string head = "CONNECT a:1 HTTP/1.1\r\nX: ";
  head.resize(kMaxConnectHead, 'x');
  EXPECT_EQ(request_error(bytes_of(head)), ProxyError::kTooLong);
  std::string interims;
  for (size_t i = 0; i <= kMaxInterimResponses; ++i) interims += "HTTP/1.1 100 Continue\r\n\r\n";
  EXPECT_EQ(scan_proxy_reply(ProxyKind::kHttpConnect, bytes_of(interims)).error,
            ProxyError::kTooLong);
  EXPECT_EQ(scan_proxy_request({}).status, ProxyStatus::kNeedMore);
}

// --- The analyzer skips the handshake on both sides ----------------------------------------

using test::Collector;
using test::Conversation;

const test::Host kClient = {"192.0.2.10", 50000, 1000};
const test::Host kProxy = {"198.51.100.20", 1080, 700000};

// JA4.md's worked example, whose JA4 the spec gives.
Wire spec_hello_record() { return fp::test::ja4_spec_example_hello().record(); }
constexpr const char* kSpecJa4 = "t13d1516h2_8daaf6152771_e5627efa2ab1";

// SOCKS5 with authentication, sent as the real exchange goes: greeting, method selection,
// RFC 1929 request and status, CONNECT request and reply, then the ClientHello.
TEST(ProxyAnalyzer, Socks5TunnelGivesTheInnerJa4) {
  const Conversation c(kClient, kProxy);
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  const Wire& q = kSocks5AuthRequest;
  const Wire& a = kSocks5AuthGranted;
  out.add(c.client_data(0, Wire(q.begin(), q.begin() + 4)));
  out.add(c.server_data(0, Wire(a.begin(), a.begin() + 2)));
  out.add(c.client_data(4, Wire(q.begin() + 4, q.begin() + 15)));
  out.add(c.server_data(2, Wire(a.begin() + 2, a.begin() + 4)));
  out.add(c.client_data(15, Wire(q.begin() + 15, q.end())));
  out.add(c.server_data(4, Wire(a.begin() + 4, a.end())));
  out.add(c.client_data(q.size(), spec_hello_record()));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].tls.has_value());
  EXPECT_EQ(records[0].tls->ja4, kSpecJa4);
  EXPECT_EQ(records[0].tls->server_name, "example.com");
  EXPECT_TRUE(records[0].http.empty());
}

TEST(ProxyAnalyzer, Socks4aRequestAndHelloInOneSegment) {
  const Conversation c(kClient, kProxy);
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  Wire first = kSocks4aRequest;
  const Wire hello = spec_hello_record();
  first.insert(first.end(), hello.begin(), hello.end());
  out.add(c.client_data(0, first));
  out.add(c.server_data(0, kSocks4Granted));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].tls.has_value());
  EXPECT_EQ(records[0].tls->ja4, kSpecJa4);
}

// RFC 9110 9.3.6's request. Its JA4H: method "co", HTTP/1.1 "11", no cookie "n", no referer "n",
// one header (Host) "01", no Accept-Language "0000"; the header hash is SHA-256("Host")[:12],
// computed outside this code base (Python hashlib).
TEST(ProxyAnalyzer, ConnectRequestGivesJa4hAndTheTunnelGivesJa4) {
  const Conversation c(kClient, kProxy);
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  out.add(c.client_data(0, bytes_of(kConnect)));
  out.add(c.server_data(0, bytes_of(kConnectOk)));
  out.add(c.client_data(kConnect.size(), spec_hello_record()));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(records[0].http.size(), 1u);
  EXPECT_EQ(records[0].http[0].ja4h, "co11nn010000_4a823118b9ba_000000000000_000000000000");
  ASSERT_TRUE(records[0].tls.has_value());
  EXPECT_EQ(records[0].tls->ja4, kSpecJa4);
}

TEST(ProxyAnalyzer, RefusedConnectOpensNoTunnel) {
  const Conversation c(kClient, kProxy);
  Collector out;
  out.add_all({c.syn(), c.syn_ack(), c.ack()});
  out.add(c.client_data(0, bytes_of(kConnect)));
  out.add(c.server_data(0, bytes_of("HTTP/1.1 403 Forbidden\r\n\r\n")));
  auto& records = out.finish();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].http.size(), 1u);
  EXPECT_FALSE(records[0].tls.has_value());
  EXPECT_FALSE(records[0].tls_server.has_value());
}

}  // namespace
}  // namespace fp::capture
