#include "tls/client_hello.h"

#include <gtest/gtest.h>

#include "support/client_hello_builder.h"
#include "tls/ja3.h"
#include "tls/ja4.h"
#include "tls/peetprint.h"
#include "tls/server_hello.h"

namespace fp::tls {
namespace {

using test::ClientHelloBuilder;
using test::Wire;

struct VersionCase {
  uint16_t legacy;
  std::vector<uint16_t> supported;  // empty: no supported_versions extension
  const char* code;
};

class ByVersion : public ::testing::TestWithParam<VersionCase> {};

TEST_P(ByVersion, VersionFieldsOfJa3AndJa4) {
  const VersionCase& c = GetParam();
  ClientHelloBuilder b;
  b.version(c.legacy).ciphers({0x002f}).sni("host");
  if (!c.supported.empty()) b.supported_versions(c.supported);
  auto h = parse_client_hello(b.body());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->legacy_version, c.legacy);
  EXPECT_EQ(ja4(*h).ja4.substr(1, 2), c.code);
  EXPECT_EQ(ja3(*h).raw.substr(0, 4), std::to_string(c.legacy).substr(0, 3) + ",");
}

INSTANTIATE_TEST_SUITE_P(Tls, ByVersion,
                         ::testing::Values(VersionCase{0x0300, {}, "s3"},
                                           VersionCase{0x0301, {}, "10"},
                                           VersionCase{0x0302, {}, "11"},
                                           VersionCase{0x0303, {}, "12"},
                                           VersionCase{0x0303, {0x0304, 0x0303}, "13"},
                                           VersionCase{0x0303, {0xeaea, 0x0304}, "13"},
                                           VersionCase{0x0303, {0x0303}, "12"}));

TEST(ClientHello, DecodesTypedExtensions) {
  ClientHelloBuilder b;
  b.grease(0x1a1a)
      .session_id(Wire(32, 3))
      .ciphers({0x1301})
      .sni("www.example.org")
      .alpn({"h2", "http/1.1"})
      .supported_versions({0x0304})
      .supported_groups({0x001d, 0x0017})
      .ec_point_formats({0, 1})
      .signature_algorithms({0x0403})
      .key_share({{0x001d, 32}})
      .psk_key_exchange_modes({1})
      .compress_certificate({2, 3})
      .padding(50);
  auto h = parse_client_hello(b.body());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->quirks, 0);
  EXPECT_EQ(h->session_id.size(), 32u);
  EXPECT_EQ(h->server_name, "www.example.org");
  EXPECT_EQ(h->alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_EQ(h->supported_versions, (std::vector<uint16_t>{0x1a1a, 0x0304}));
  EXPECT_EQ(h->supported_groups, (std::vector<uint16_t>{0x1a1a, 0x001d, 0x0017}));
  EXPECT_EQ(h->ec_point_formats, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(h->signature_algorithms, (std::vector<uint16_t>{0x1a1a, 0x0403}));
  EXPECT_EQ(h->key_share_groups, (std::vector<uint16_t>{0x1a1a, 0x001d}));
  EXPECT_EQ(h->psk_key_exchange_modes, (std::vector<uint8_t>{1}));
  EXPECT_EQ(h->compress_certificate_algorithms, (std::vector<uint16_t>{2, 3}));
  // Wire order kept, GREASE first and last included.
  ASSERT_EQ(h->extensions.size(), 12u);
  EXPECT_EQ(h->extensions.front().type, 0x1a1a);
  EXPECT_EQ(h->extensions.back().type, 0x0a0a);
  EXPECT_EQ(h->extensions[1].type, ext::kServerName);
  EXPECT_TRUE(h->has_extension(ext::kPadding));
}

// Every extension is kept in wire order with its body, unknown, GREASE, ECH and ALPS included;
// the bodies share one buffer (extension_data) and data_of() finds each.
TEST(ClientHello, ExtensionsKeepWireOrderAndBodies) {
  ClientHelloBuilder b;
  b.grease(0x2a2a)
      .ciphers({0x1301})
      .extension(0xfe0d, Wire(200, 7))  // encrypted_client_hello
      .sni("a.example")
      .extension(0x44cd, {0, 3, 2, 'h', '2'})  // ALPS (new code point)
      .extension(0x1234, {})                   // unknown, empty
      .extension(0x4469, {0, 3, 2, 'h', '2'})  // ALPS (old code point)
      .extension(0xbeef, {9, 8, 7});           // unknown
  auto h = parse_client_hello(b.body());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->quirks, 0);
  std::vector<uint16_t> types;
  for (const Extension& e : h->extensions) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{0x2a2a, 0xfe0d, ext::kServerName, 0x44cd, 0x1234, 0x4469,
                                          0xbeef, 0x3a3a}));
  const auto body = [&](size_t i) {
    const Bytes d = h->data_of(h->extensions[i]);
    return Wire(d.begin(), d.end());
  };
  EXPECT_EQ(body(1), Wire(200, 7));
  EXPECT_EQ(body(3), (Wire{0, 3, 2, 'h', '2'}));
  EXPECT_TRUE(body(4).empty());
  EXPECT_EQ(body(6), (Wire{9, 8, 7}));
  EXPECT_EQ(h->server_name, "a.example");
  // The bodies tile the block: each follows its 4-byte header right after the one before.
  size_t at = 0;
  for (const Extension& e : h->extensions) {
    EXPECT_EQ(e.offset, at + 4);
    at = e.offset + e.length;
  }
  EXPECT_EQ(at, h->extension_data.size());
  // An extension that does not belong to this hello reads as empty, never out of bounds.
  EXPECT_TRUE(h->data_of({0x0001, 60000, 10}).empty());
  EXPECT_TRUE(h->data_of({0x0001, 4, 0xffffffffu}).empty());
}

TEST(ClientHello, NoExtensionBlock) {
  auto h = parse_client_hello(
      ClientHelloBuilder().version(0x0300).ciphers({4, 5}).no_extension_block().body());
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->extensions.empty());
  EXPECT_EQ(ja3(*h).raw, "768,4-5,,,");
}

// A bad extension body does not fail the hello: its type still counts (the fingerprints read
// types), and the fault is a quirk.
TEST(ClientHello, BadExtensionBodyIsAQuirk) {
  ClientHelloBuilder b;
  b.ciphers({0x1301})
      .extension(ext::kSupportedGroups, {0x00, 0x09, 0x00, 0x1d})
      .extension(ext::kAlpn, {0xff})
      .extension(ext::kServerName, {})
      .sni("ok");
  auto h = parse_client_hello(b.body());
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->has_quirk(quirk::kBadExtensionBody));
  EXPECT_TRUE(h->has_quirk(quirk::kDuplicateExtension));
  EXPECT_EQ(h->extensions.size(), 4u);
  EXPECT_EQ(ja3(*h).raw, "771,4865,10-16-0-0,,");
  EXPECT_FALSE(h->server_name.has_value());  // the first server_name decides, and it was empty
}

TEST(ClientHello, TruncatedExtensionBlockKeepsWhatWasRead) {
  Wire body = ClientHelloBuilder().ciphers({0x1301}).sni("a.example").extension(23, {}).body();
  body.resize(body.size() - 2);  // cut into the last extension header
  auto h = parse_client_hello(body);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->has_quirk(quirk::kTruncatedExtensions));
  ASSERT_EQ(h->extensions.size(), 1u);
  EXPECT_EQ(h->server_name, "a.example");
}

TEST(ClientHello, FixedFieldErrors) {
  const Wire body = ClientHelloBuilder().ciphers({0x1301}).body();
  for (size_t n : {0, 1, 2, 20, 34, 35, 37}) {
    EXPECT_EQ(parse_client_hello(Bytes(body).first(n)).error(), TlsError::kTruncated) << n;
  }
  Wire odd = test::from_hex("0303");
  odd.resize(34, 0);
  odd.push_back(0);  // session id
  for (uint8_t b : {0x00, 0x03, 0x13, 0x01, 0x13, 0x01, 0x00}) odd.push_back(b);
  EXPECT_EQ(parse_client_hello(odd).error(), TlsError::kBadLength);
}

TEST(ServerHello, HelloRetryRequestAndSelectedVersion) {
  auto hrr = parse_server_hello(test::ServerHelloBuilder()
                                    .hello_retry_request()
                                    .selected_version(0x0304)
                                    .extension(0x0033, {0x11, 0xec})
                                    .body());
  ASSERT_TRUE(hrr.ok());
  EXPECT_TRUE(hrr->hello_retry_request);
  EXPECT_EQ(hrr->selected_version, 0x0304);
  auto sh = parse_server_hello(test::ServerHelloBuilder().alpn("h2").body());
  ASSERT_TRUE(sh.ok());
  EXPECT_FALSE(sh->hello_retry_request);
  EXPECT_FALSE(sh->selected_version.has_value());
  EXPECT_EQ(sh->alpn, "h2");
  EXPECT_TRUE(sh->has_extension(ext::kAlpn));
  ASSERT_EQ(hrr->extensions.size(), 2u);
  EXPECT_EQ(hrr->extensions[1].type, 0x0033);
  const Bytes key_share = hrr->data_of(hrr->extensions[1]);
  EXPECT_EQ(Wire(key_share.begin(), key_share.end()), (Wire{0x11, 0xec}));
  const Wire body = test::ServerHelloBuilder().body();
  EXPECT_EQ(parse_server_hello(Bytes(body).first(37)).error(), TlsError::kTruncated);
  Wire bad = body;
  bad.push_back(0x00);
  bad.push_back(0x09);
  EXPECT_EQ(parse_server_hello(bad).error(), TlsError::kBadExtension);
}

// TrackMe's PeetPrint (see peetprint.cc for the definition and its source).
TEST(PeetPrint, GreaseTokensAlpnMappingAndStringSort) {
  ClientHelloBuilder b;
  b.grease(0x0a0a)
      .ciphers({4865, 49195})
      .sni("a")
      .alpn({"h2", "http/1.1", "spdy/3"})
      .supported_versions({772, 771})
      .supported_groups({29, 23})
      .signature_algorithms({1027})
      .psk_key_exchange_modes({1})
      .compress_certificate({2})
      .extension(17513, {});
  auto h = parse_client_hello(b.body());
  ASSERT_TRUE(h.ok());
  const Fingerprint p = peetprint(*h);
  EXPECT_EQ(p.raw,
            "GREASE-772-771|2-1.1|GREASE-29-23|GREASE-1027|1|2|GREASE-4865-49195|"
            "0-10-13-16-17513-27-43-45-GREASE-GREASE");
  auto bare = parse_client_hello(ClientHelloBuilder().ciphers({47}).no_extension_block().body());
  EXPECT_EQ(peetprint(*bare).raw, "||||0||47|");
}

}  // namespace
}  // namespace fp::tls
