#include "tls/ja3.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "support/client_hello_builder.h"

namespace fp::tls {
namespace {

using test::ClientHelloBuilder;

ClientHello parse(const ClientHelloBuilder& b) {
  auto h = parse_client_hello(b.body());
  EXPECT_TRUE(h.ok());
  return h.ok() ? *h : ClientHello{};
}

// salesforce/README.md worked examples (string -> MD5), through wire bytes and back.
TEST(Ja3, ReadmeExamples) {
  for (auto [s, md5] :
       {std::pair{"769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0",
                  "ada70206e40642a3e4461f35503241d5"},
        std::pair{"769,4-5-10-9-100-98-3-6-19-18-99,,,", "de350869b8c85de67a350c8d186f11e6"}}) {
    const Fingerprint f = ja3(parse(ClientHelloBuilder::from_ja3(s)));
    EXPECT_EQ(f.raw, s);
    EXPECT_EQ(f.hash, md5);
    EXPECT_EQ(md5_hex(s), md5);
  }
}

TEST(Ja3, GreaseRemovedFromCiphersExtensionsAndCurves) {
  const ClientHello h = parse(ClientHelloBuilder()
                                  .grease(0x8a8a)
                                  .ciphers({0x1301, 0xc02b})
                                  .supported_groups({0x001d, 0x0017})
                                  .ec_point_formats({0})
                                  .sni("x.y"));
  EXPECT_EQ(ja3(h).raw, "771,4865-49195,10-11-0,29-23,0");
}

// JA3N: the extension field sorted numerically, the rest as JA3.
TEST(Ja3, Ja3nSortsExtensions) {
  const ClientHello h = parse(ClientHelloBuilder()
                                  .ciphers({0x1301})
                                  .extension(65281, {0})
                                  .sni("a")
                                  .extension(45, {1, 1})
                                  .supported_groups({29}));
  EXPECT_EQ(ja3(h).raw, "771,4865,65281-0-45-10,29,");
  const Fingerprint n = ja3n(h);
  EXPECT_EQ(n.raw, "771,4865,0-10-45-65281,29,");
  EXPECT_EQ(n.hash, md5_hex(n.raw));
}

// Chrome permutes extensions: JA3 changes, JA3N does not (TRAPS.md).
TEST(Ja3, PermutationChangesJa3NotJa3n) {
  const ClientHello a =
      parse(ClientHelloBuilder().ciphers({1}).sni("a").alpn({"h2"}).extension(23, {}));
  const ClientHello b =
      parse(ClientHelloBuilder().ciphers({1}).extension(23, {}).alpn({"h2"}).sni("a"));
  EXPECT_NE(ja3(a), ja3(b));
  EXPECT_EQ(ja3n(a), ja3n(b));
}

// Our choice for SSLv2-compatible hellos (neither reference fingerprints them): the version as
// sent, the cipher specs that map to TLS suites, three empty fields.
TEST(Ja3, Sslv2CompatibleHello) {
  const auto body = test::from_hex(
      "01 0301 0009 0000 0010  000005 010080 00002f  00112233445566778899aabbccddeeff");
  auto h = parse_sslv2_client_hello(body);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(ja3(*h).raw, "769,5-47,,,");
}

TEST(Ja3s, ServerHello) {
  auto h = parse_server_hello(
      test::ServerHelloBuilder().cipher(49195).extension(0, {}).extension(65281, {0}).body());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(ja3s(*h).raw, "771,49195,0-65281");
  EXPECT_EQ(ja3s(*h).hash, md5_hex("771,49195,0-65281"));
}

}  // namespace
}  // namespace fp::tls
