#include "tls/handshake.h"

#include <gtest/gtest.h>

#include <array>

#include "core/limits.h"
#include "support/client_hello_builder.h"
#include "tls/client_hello.h"
#include "tls/ja4.h"

namespace fp::tls {
namespace {

using test::ClientHelloBuilder;
using test::Wire;

ClientHelloBuilder chrome_pq() {
  ClientHelloBuilder b;
  b.grease(0x5a5a)
      .ciphers({0x1301, 0x1302, 0x1303, 0xc02b})
      .sni("example.com")
      .alpn({"h2"})
      .supported_versions({0x0304, 0x0303})
      .supported_groups({0x11ec, 0x001d})
      .key_share({{0x11ec, 1216}, {0x001d, 32}})
      .signature_algorithms({0x0403, 0x0804})
      .extension(0xfe0d, Wire(200, 1))
      .extension(0x44cd, {0, 3, 2, 'h', '2'});
  return b;
}

// Records of every size from 1 byte up: the hello reassembles to the same bytes.
class SplitRecords : public ::testing::TestWithParam<size_t> {};

TEST_P(SplitRecords, ReassemblesAcrossRecords) {
  const ClientHelloBuilder b = chrome_pq();
  const Wire wire = b.record(0x0301, GetParam());
  const HandshakeScan scan = scan_handshake(wire);
  ASSERT_EQ(scan.messages.size(), 1u);
  EXPECT_EQ(scan.status, ScanStatus::kNeedMore);  // the stream may go on
  EXPECT_EQ(scan.messages[0].type, 1);
  EXPECT_EQ(scan.messages[0].record_version, 0x0301);
  EXPECT_EQ(Wire(scan.messages[0].body.begin(), scan.messages[0].body.end()), b.body());
}

INSTANTIATE_TEST_SUITE_P(Fragments, SplitRecords,
                         ::testing::Values(1, 2, 3, 4, 5, 100, 512, 1000, 1500, 16384));

TEST(ScanHandshake, NeedMoreAtEveryTruncation) {
  const Wire wire = chrome_pq().record(0x0301, 700);
  for (size_t n = 0; n < wire.size(); n += 7) {
    const HandshakeScan scan = scan_handshake(Bytes(wire).first(n));
    EXPECT_EQ(scan.status, ScanStatus::kNeedMore) << n;
    EXPECT_TRUE(scan.messages.empty()) << n;
  }
}

TEST(ScanHandshake, SeveralMessagesInOneRecord) {
  const Wire sh = test::ServerHelloBuilder().body();
  const Wire payload =
      test::concat({test::handshake_message(2, sh), test::handshake_message(11, Wire(300, 7)),
                    test::handshake_message(14, {})});
  const Wire wire = test::records(22, payload, 16384, 0x0303);
  const HandshakeScan scan = scan_handshake(wire);
  ASSERT_EQ(scan.messages.size(), 3u);
  EXPECT_EQ(scan.messages[0].type, 2);
  EXPECT_EQ(scan.messages[1].type, 11);
  EXPECT_EQ(scan.messages[1].body.size(), 300u);
  EXPECT_EQ(scan.messages[2].type, 14);
  EXPECT_TRUE(scan.messages[2].body.empty());
}

TEST(ScanHandshake, StopsAtApplicationDataAndAlert) {
  for (uint8_t type : {21, 23}) {
    const Wire stream =
        test::concat({chrome_pq().record(), test::records(type, Wire(20, 9), 16384, 0x0303)});
    const HandshakeScan scan = scan_handshake(stream);
    EXPECT_EQ(scan.status, ScanStatus::kDone);
    EXPECT_EQ(scan.messages.size(), 1u);
  }
}

// HelloRetryRequest: ClientHello, ChangeCipherSpec (middlebox compatibility), second ClientHello.
TEST(ScanHandshake, SecondClientHelloAfterHelloRetryRequest) {
  const ClientHelloBuilder first = chrome_pq();
  ClientHelloBuilder second = chrome_pq();
  second.extension(0x002c, {0, 4, 1, 2, 3, 4});  // cookie
  const Wire stream =
      test::concat({first.record(), test::change_cipher_spec(), second.record(0x0303, 1000)});
  const HandshakeScan scan = scan_handshake(stream);
  ASSERT_EQ(scan.messages.size(), 2u);
  auto a = parse_client_hello(scan.messages[0].body);
  auto b = parse_client_hello(scan.messages[1].body);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ja4(*a).ja4.substr(0, 10), "t13d0408h2");
  EXPECT_EQ(ja4(*b).ja4.substr(0, 10), "t13d0409h2");
}

// TLS 1.2: ClientKeyExchange, ChangeCipherSpec, then the encrypted Finished as a handshake record.
TEST(ScanHandshake, EncryptedFinishedAfterCcsEndsTheScan) {
  const Wire cke = test::records(22, test::handshake_message(16, Wire(33, 4)), 16384, 0x0303);
  Wire finished(40, 0);  // AES-GCM explicit nonce 0, then ciphertext
  finished[10] = 0xde;
  const Wire stream =
      test::concat({ClientHelloBuilder().ciphers({0xc02f}).record(), cke,
                    test::change_cipher_spec(), test::records(22, finished, 16384, 0x0303)});
  const HandshakeScan scan = scan_handshake(stream);
  EXPECT_EQ(scan.status, ScanStatus::kDone);
  ASSERT_EQ(scan.messages.size(), 2u);
  EXPECT_EQ(scan.messages[1].type, 16);
}

TEST(ScanHandshake, NotTls) {
  for (const char* text : {"GET / HTTP/1.1\r\n\r\n", "SSH-2.0-OpenSSH_9.2\r\n"}) {
    const std::string s(text);
    const HandshakeScan scan =
        scan_handshake(Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
    EXPECT_EQ(scan.status, ScanStatus::kError);
    EXPECT_EQ(scan.error, TlsError::kNotTls);
  }
  const Wire bad_version = test::from_hex("16 0503 0010");
  EXPECT_EQ(scan_handshake(bad_version).error, TlsError::kNotTls);
  const Wire huge_record = test::from_hex("16 0301 ffff");
  EXPECT_EQ(scan_handshake(huge_record).error, TlsError::kBadLength);
}

TEST(ScanHandshake, TooLargeMessage) {
  Wire header = {1};
  const size_t n = limits::kMaxHandshakeMessage + 1;
  header.push_back(static_cast<uint8_t>(n >> 16));
  header.push_back(static_cast<uint8_t>(n >> 8));
  header.push_back(static_cast<uint8_t>(n));
  const Wire wire = test::records(22, header);
  const HandshakeScan scan = scan_handshake(wire);
  EXPECT_EQ(scan.status, ScanStatus::kError);
  EXPECT_EQ(scan.error, TlsError::kTooLarge);
}

TEST(ScanHandshake, MaxMessages) {
  const Wire payload = test::concat(
      {test::handshake_message(2, Wire(40, 0)), test::handshake_message(11, Wire(3, 0))});
  const Wire wire = test::records(22, payload);
  const HandshakeScan scan = scan_handshake(wire, 1);
  EXPECT_EQ(scan.status, ScanStatus::kDone);
  EXPECT_EQ(scan.messages.size(), 1u);
}

// RFC 5246 E.2: 2-byte length with the high bit set, message type 1, then TLS records follow.
TEST(ScanHandshake, Sslv2CompatibleClientHello) {
  const Wire hello = test::from_hex(
      "8022 01 0301 0009 0000 0010  000005 010080 00002f  00112233445566778899aabbccddeeff");
  const HandshakeScan scan = scan_handshake(hello);
  EXPECT_TRUE(scan.sslv2_client_hello);
  ASSERT_EQ(scan.messages.size(), 1u);
  EXPECT_EQ(scan.messages[0].type, 1);
  EXPECT_EQ(scan.messages[0].body.size(), 0x22u);
  auto h = parse_client_hello_any(hello);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->sslv2_compatible);
  EXPECT_EQ(h->cipher_suites, (std::vector<uint16_t>{0x0005, 0x002f}));
  // The 16-byte challenge, right-justified in the random (RFC 5246 E.2).
  std::array<uint8_t, 32> random{};
  for (size_t i = 0; i < 16; ++i) random[16 + i] = static_cast<uint8_t>(0x11 * i);
  EXPECT_EQ(h->random, random);
  EXPECT_EQ(ja4(*h).ja4.substr(0, 10), "t10i020000");
  EXPECT_EQ(scan_handshake(Bytes(hello).first(20)).status, ScanStatus::kNeedMore);
}

TEST(ParseClientHelloAny, RecordsMessageAndErrors) {
  const ClientHelloBuilder b = chrome_pq();
  auto from_records = parse_client_hello_any(b.record(0x0301, 300));
  auto from_message = parse_client_hello_any(b.message());
  ASSERT_TRUE(from_records.ok() && from_message.ok());
  EXPECT_EQ(from_records->record_version, 0x0301);
  EXPECT_EQ(from_message->record_version, 0);
  EXPECT_EQ(ja4(*from_records).ja4, ja4(*from_message).ja4);
  EXPECT_EQ(parse_client_hello_any({}).error(), TlsError::kTruncated);
  const Wire cut = b.message();
  EXPECT_EQ(parse_client_hello_any(Bytes(cut).first(100)).error(), TlsError::kTruncated);
  EXPECT_EQ(parse_client_hello_any(test::ServerHelloBuilder().record()).error(),
            TlsError::kWrongMessageType);
  EXPECT_EQ(parse_client_hello_any(test::from_hex("474554")).error(), TlsError::kNotTls);
}

}  // namespace
}  // namespace fp::tls
