// A TLS 1.3 session from RFC 8448 section 3's messages and key log lines made of its secrets:
// the client's protected Finished comes out, whatever order the directions are fed in.
#include "decrypt/tls_session.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "decrypt/rfc8448_vectors.h"

namespace fp::decrypt {
namespace {

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

std::vector<uint8_t> plaintext_record(uint8_t type, const std::vector<uint8_t>& body) {
  std::vector<uint8_t> r = {type, 3, 3, static_cast<uint8_t>(body.size() >> 8),
                            static_cast<uint8_t>(body.size())};
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

std::vector<uint8_t> client_second_flight() {
  std::vector<uint8_t> bytes = plaintext_record(20, {1});  // ChangeCipherSpec (RFC 8446 D.4)
  const auto finished = unhex(rfc8448::kClientFinishedRecord);
  bytes.insert(bytes.end(), finished.begin(), finished.end());
  return bytes;
}

std::string rfc_key_log() {
  std::string text;
  for (auto [label, secret] :
       {std::pair{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", rfc8448::kClientHandshakeSecret},
        std::pair{"SERVER_HANDSHAKE_TRAFFIC_SECRET", rfc8448::kServerHandshakeSecret},
        std::pair{"CLIENT_TRAFFIC_SECRET_0", rfc8448::kClientApplicationSecret},
        std::pair{"SERVER_TRAFFIC_SECRET_0", rfc8448::kServerApplicationSecret}}) {
    text += std::string(label) + " " + rfc8448::kClientRandom + " " + secret + "\n";
  }
  return text;
}

struct Message {
  int direction;
  uint8_t type;
  std::string body;
  bool encrypted;
};

class Collect : public SessionSink {
 public:
  void on_handshake_message(int direction, uint8_t type, Bytes body, bool encrypted) override {
    messages.push_back({direction, type, hex_encode(body), encrypted});
  }
  void on_application_data(int, Bytes data) override { application += hex_encode(data); }
  std::vector<Message> messages;
  std::string application;
};

class TlsSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { (void)keys.add_text(rfc_key_log()); }
  KeyLog keys;
  Collect sink;
  std::vector<uint8_t> client_hello = plaintext_record(22, unhex(rfc8448::kClientHello));
  std::vector<uint8_t> server_hello = plaintext_record(22, unhex(rfc8448::kServerHello));
};

TEST_F(TlsSessionTest, OpensTheClientFinished) {
  TlsSession session(keys);
  EXPECT_EQ(session.on_bytes(0, client_hello, sink), client_hello.size());
  EXPECT_EQ(session.on_bytes(1, server_hello, sink), server_hello.size());
  EXPECT_TRUE(session.tls13());
  EXPECT_EQ(session.status(), SessionStatus::kDecrypting);
  const auto flight = client_second_flight();
  EXPECT_EQ(session.on_bytes(0, flight, sink), flight.size());
  ASSERT_EQ(sink.messages.size(), 3u);
  EXPECT_EQ(sink.messages[2].direction, 0);
  EXPECT_TRUE(sink.messages[2].encrypted);
  EXPECT_EQ(sink.messages[2].type, 20);
  EXPECT_EQ("140000" + std::string("20") + sink.messages[2].body, rfc8448::kClientFinished);
  EXPECT_EQ(session.counters().records_opened, 1u);
}

TEST_F(TlsSessionTest, ProtectedBytesWaitForTheServerHello) {
  TlsSession session(keys);
  (void)session.on_bytes(0, client_hello, sink);
  const auto flight = client_second_flight();
  EXPECT_EQ(session.on_bytes(0, flight, sink), 0u);  // cannot be read yet: left for later
  (void)session.on_bytes(1, server_hello, sink);
  EXPECT_EQ(session.on_bytes(0, flight, sink), flight.size());
  ASSERT_EQ(sink.messages.size(), 3u);
  EXPECT_EQ(sink.messages[2].type, 20);
}

TEST_F(TlsSessionTest, RecordsSplitAnywhere) {
  TlsSession session(keys);
  (void)session.on_bytes(0, client_hello, sink);
  (void)session.on_bytes(1, server_hello, sink);
  const auto flight = client_second_flight();
  std::vector<uint8_t> pending;
  for (uint8_t byte : flight) {
    pending.push_back(byte);
    const size_t used = session.on_bytes(0, pending, sink);
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(used));
  }
  EXPECT_TRUE(pending.empty());
  ASSERT_EQ(sink.messages.size(), 3u);
}

// RFC 8446 4.1.4: a HelloRetryRequest (a ServerHello with the special random), the server's
// compatibility CCS, then the real ServerHello in the same direction.
TEST_F(TlsSessionTest, HelloRetryRequestThenServerHello) {
  const auto hrr = plaintext_record(
      22,
      unhex("020000340303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c00130100"
            "000c002b00020304003300020017"));
  std::vector<uint8_t> server = hrr;
  const auto ccs = plaintext_record(20, {1});
  server.insert(server.end(), ccs.begin(), ccs.end());
  server.insert(server.end(), server_hello.begin(), server_hello.end());
  TlsSession session(keys);
  (void)session.on_bytes(0, client_hello, sink);
  EXPECT_EQ(session.on_bytes(1, server, sink), server.size());
  EXPECT_EQ(session.status(), SessionStatus::kDecrypting);
  const auto flight = client_second_flight();
  EXPECT_EQ(session.on_bytes(0, flight, sink), flight.size());
  ASSERT_EQ(sink.messages.size(), 4u);
  EXPECT_EQ(sink.messages[3].type, 20);
}

TEST_F(TlsSessionTest, NoSecretsStopsQuietly) {
  KeyLog empty;
  TlsSession session(empty);
  (void)session.on_bytes(0, client_hello, sink);
  (void)session.on_bytes(1, server_hello, sink);
  EXPECT_EQ(session.status(), SessionStatus::kNoSecrets);
  const auto flight = client_second_flight();
  EXPECT_EQ(session.on_bytes(0, flight, sink), flight.size());  // used unread
  EXPECT_EQ(sink.messages.size(), 2u);
}

TEST_F(TlsSessionTest, WrongSecretFailsAuthentication) {
  KeyLog wrong;
  std::string text = rfc_key_log();
  text.replace(text.find(rfc8448::kClientHandshakeSecret), 2, "00");
  (void)wrong.add_text(text);
  TlsSession session(wrong);
  (void)session.on_bytes(0, client_hello, sink);
  (void)session.on_bytes(1, server_hello, sink);
  (void)session.on_bytes(0, client_second_flight(), sink);
  EXPECT_EQ(session.counters().auth_failures, 1u);
  EXPECT_EQ(sink.messages.size(), 2u);
}

TEST_F(TlsSessionTest, NotTlsFails) {
  TlsSession session(keys);
  const std::string text = "GET / HTTP/1.1\r\n\r\n";
  const Bytes bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  EXPECT_EQ(session.on_bytes(0, bytes, sink), bytes.size());
  EXPECT_EQ(session.status(), SessionStatus::kFailed);
}

}  // namespace
}  // namespace fp::decrypt
