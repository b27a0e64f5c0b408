#include "tls/ja4.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "support/client_hello_builder.h"

namespace fp::tls {
namespace {

using test::ClientHelloBuilder;
using test::ServerHelloBuilder;

const std::vector<uint16_t> kSpecCiphers = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                                            0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
                                            0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
const std::vector<uint16_t> kSpecSigalgs = {0x0403, 0x0804, 0x0401, 0x0503,
                                            0x0805, 0x0501, 0x0806, 0x0601};

ClientHelloBuilder spec_hello(bool with_sigalgs = true) {
  return fp::test::ja4_spec_example_hello(with_sigalgs);
}

ClientHello parse(const ClientHelloBuilder& b) {
  auto h = parse_client_hello(b.body());
  EXPECT_TRUE(h.ok());
  return h.ok() ? *h : ClientHello{};
}

// JA4.md "Example" and "Raw Output": golden values.
TEST(Ja4, SpecWorkedExample) {
  const Ja4 j = ja4(parse(spec_hello()));
  EXPECT_EQ(j.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
  EXPECT_EQ(j.ja4_r,
            "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,"
            "cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,"
            "0804,0401,0503,0805,0501,0806,0601");
  EXPECT_EQ(j.ja4_ro,
            "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,"
            "0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,"
            "0015_0403,0804,0401,0503,0805,0501,0806,0601");
  EXPECT_EQ(j.ja4_o, "t13d1516h2_acb858a92679_18f69afefd3d");
  EXPECT_EQ(ja4_canonical(parse(spec_hello())), j.ja4);
  EXPECT_EQ(ja4_canonical(parse(spec_hello()), TlsTransport::kQuic),
            ja4(parse(spec_hello()), TlsTransport::kQuic).ja4);
}

// TRAPS.md: GREASE in every list, signature algorithms included (Chrome 152).
TEST(Ja4, GreaseInEveryListIsIgnored) {
  const Ja4 plain = ja4(parse(spec_hello()));
  for (uint16_t g : {0x0a0a, 0x3a3a, 0xfafa}) {
    const ClientHello h = parse(spec_hello().grease(g));
    ASSERT_EQ(h.cipher_suites.front(), g);
    ASSERT_EQ(h.signature_algorithms.front(), g);
    ASSERT_EQ(h.supported_versions.front(), g);
    ASSERT_EQ(h.supported_groups.front(), g);
    ASSERT_EQ(h.key_share_groups.front(), g);
    const Ja4 j = ja4(h);
    EXPECT_EQ(j.ja4, plain.ja4);
    EXPECT_EQ(j.ja4_r, plain.ja4_r);
    EXPECT_EQ(j.ja4_o, plain.ja4_o);
    EXPECT_EQ(j.ja4_ro, plain.ja4_ro);
  }
}

TEST(Ja4, NoSniIsI) {
  ClientHello h = parse(spec_hello());
  EXPECT_EQ(ja4(h).ja4.substr(0, 4), "t13d");
  std::erase_if(h.extensions, [](const Extension& e) { return e.type == ext::kServerName; });
  EXPECT_EQ(ja4(h).ja4.substr(0, 10), "t13i1515h2");
}

TEST(Ja4, AlpnUsesFirstValueOnly) {
  EXPECT_EQ(
      ja4(parse(ClientHelloBuilder().ciphers({0x1301}).alpn({"http/1.1", "h2"}))).ja4.substr(8, 2),
      "h1");
  EXPECT_EQ(ja4(parse(ClientHelloBuilder().ciphers({0x1301}).alpn({""}))).ja4.substr(8, 2), "00");
  EXPECT_EQ(ja4(parse(ClientHelloBuilder().ciphers({0x1301}))).ja4.substr(8, 2), "00");
  EXPECT_EQ(ja4(parse(ClientHelloBuilder().ciphers({0x1301}).alpn({"x"}))).ja4.substr(8, 2), "xx");
  EXPECT_EQ(ja4(parse(ClientHelloBuilder().ciphers({0x1301}).alpn({"\xba\xad"}))).ja4.substr(8, 2),
            "bd");
}

// JA4.md: with no signature algorithms the string ends without the underscore.
TEST(Ja4, NoSignatureAlgorithmsNoTrailingUnderscore) {
  const Ja4 j = ja4(parse(spec_hello(false)));
  EXPECT_EQ(j.ja4, "t13d1516h2_8daaf6152771_6d807ffa2a79");
  EXPECT_EQ(j.ja4_r.substr(j.ja4_r.size() - 20), ",002d,0033,4469,ff01");
}

TEST(Ja4, EmptyListsAreZeros) {
  const Ja4 j = ja4(parse(ClientHelloBuilder().version(0x0301).no_extension_block()));
  EXPECT_EQ(j.ja4, "t10i000000_000000000000_000000000000");
  EXPECT_EQ(j.ja4_r, "t10i000000__");
  EXPECT_EQ(j.ja4_o, "t10i000000_000000000000_000000000000");
  // SNI alone: counted, but the sorted list without SNI/ALPN is empty (FoxIO Python's JA4_o too).
  const Ja4 s = ja4(parse(ClientHelloBuilder().version(0x0301).ciphers({0x0005}).sni("a.b")));
  EXPECT_EQ(s.ja4, "t10d010100_" + sha256_hex12("0005") + "_000000000000");
  EXPECT_EQ(s.ja4_ro, "t10d010100_0005_0000");
  EXPECT_EQ(s.ja4_o, "t10d010100_" + sha256_hex12("0005") + "_000000000000");
}

TEST(Ja4, CountsCapAt99AndScsvCounts) {
  std::vector<uint16_t> many;
  for (uint16_t i = 1; i <= 120; ++i) many.push_back(i);
  many.push_back(0x00ff);
  ClientHelloBuilder b;
  b.ciphers(many);
  for (uint16_t t = 0x0100; t < 0x0100 + 105; ++t) b.extension(t, {});
  EXPECT_EQ(ja4(parse(b)).ja4.substr(0, 10), "t12i999900");
}

TEST(Ja4, EchAndAlpsAreKept) {
  ClientHelloBuilder b;
  b.ciphers({0x1301}).extension(0xfe0d, {0, 1, 2}).extension(0x4469, {}).extension(0x44cd, {});
  const Ja4 j = ja4(parse(b));
  EXPECT_EQ(j.ja4_r, "t12i010300_1301_4469,44cd,fe0d");
}

TEST(Ja4, QuicTransport) { EXPECT_EQ(ja4(parse(spec_hello()), TlsTransport::kQuic).ja4[0], 'q'); }

// TRAPS.md: a resumed hello adds PSK, early data and session ticket; padding comes and goes.
TEST(Ja4, StableEqualForFreshAndResumedHello) {
  auto base = [] {
    ClientHelloBuilder b;
    b.grease(0x2a2a)
        .ciphers(kSpecCiphers)
        .sni("example.com")
        .alpn({"h2"})
        .supported_versions({0x0304})
        .supported_groups({0x11ec, 0x001d})
        .signature_algorithms(kSpecSigalgs)
        .key_share({{0x11ec, 1216}, {0x001d, 32}})
        .psk_key_exchange_modes({1});
    return b;
  };
  const ClientHello fresh = parse(base().padding(200));
  const ClientHello resumed = parse(base().session_ticket({1, 2, 3}).early_data().pre_shared_key());
  EXPECT_NE(ja4(fresh).ja4, ja4(resumed).ja4);
  EXPECT_EQ(ja4_stable(fresh), ja4_stable(resumed));
  EXPECT_EQ(ja4_stable(fresh).hash.substr(0, 10), "t13d1507h2");
  EXPECT_EQ(ja4_stable(fresh).raw.find("0015"), std::string::npos);
}

// Values from expected/python/tls-handshake.pcapng.json (stream 5).
TEST(Ja4s, Tls12ServerHello) {
  ServerHelloBuilder b;
  b.cipher(0xc030).extension(0xff01, {0}).extension(0x000b, {1, 0}).extension(0x0023, {});
  auto h = parse_server_hello(b.body());
  ASSERT_TRUE(h.ok());
  const Ja4s j = ja4s(*h);
  EXPECT_EQ(j.ja4s_r, "t120300_c030_ff01,000b,0023");
  EXPECT_EQ(j.ja4s, "t120300_c030_bec8bdbaef8a");
}

TEST(Ja4s, Tls13SelectedVersionAndAlpn) {
  auto h = parse_server_hello(
      ServerHelloBuilder().cipher(0x1301).selected_version(0x0304).alpn("h2").body());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(ja4s(*h).ja4s_r, "t1302h2_1301_002b,0010");
  auto bare = parse_server_hello(ServerHelloBuilder().cipher(0x0005).version(0x0301).body());
  EXPECT_EQ(ja4s(*bare).ja4s, "t100000_0005_000000000000");
}

}  // namespace
}  // namespace fp::tls
