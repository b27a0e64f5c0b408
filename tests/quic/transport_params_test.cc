// QUIC transport parameters (quic/transport_params.h). The RFC 9001 A.2 ClientHello carries the
// extension; its ids and values are the ones the RFC's bytes spell out (quoted below).
#include "quic/transport_params.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "core/hex.h"
#include "quic/limits.h"
#include "quic/rfc_vectors.h"
#include "tls/client_hello.h"

namespace fp::quic {
namespace {

std::vector<uint8_t> unhex(const char* text) { return *hex_decode(text); }

// The extension body of the RFC's hello: frame type, offset, length (4 bytes), then the
// handshake header (4 bytes) before the ClientHello body.
std::vector<uint8_t> rfc_extension_body() {
  const auto frame = unhex(rfc::kClientCryptoFrame);
  const auto hello = tls::parse_client_hello(Bytes(frame).subspan(8));
  EXPECT_TRUE(hello.ok());
  if (!hello) return {};
  for (const auto& e : hello->extensions) {
    if (e.type == kTransportParametersExtension) {
      const Bytes body = hello->data_of(e);
      return {body.begin(), body.end()};
    }
  }
  ADD_FAILURE() << "no quic_transport_parameters in the RFC hello";
  return {};
}

TEST(TransportParameters, RfcHelloInWireOrder) {
  // 0408ffffffffffffffff 05048000ffff 07048000ffff 080110 010480007530 090110
  // 0f088394c8f03e515708 06048000ffff
  const auto tp = parse_transport_parameters(rfc_extension_body());
  ASSERT_TRUE(tp.ok());
  const std::vector<uint64_t> ids{4, 5, 7, 8, 1, 9, 0x0f, 6};
  ASSERT_EQ(tp->parameters.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(tp->parameters[i].id, ids[i]) << i;
  EXPECT_EQ(numeric_value(tp->parameters[0]), 0x3fffffffffffffffu);  // 8-byte varint, all ones
  EXPECT_EQ(numeric_value(tp->parameters[1]), 0xffffu);
  EXPECT_EQ(numeric_value(tp->parameters[3]), 16u);
  EXPECT_EQ(numeric_value(tp->parameters[4]), 30000u);
  EXPECT_EQ(hex_encode(tp->parameters[6].value), "8394c8f03e515708");
  EXPECT_EQ(numeric_value(tp->parameters[6]), std::nullopt);  // a connection ID, not a number
  EXPECT_EQ(transport_parameter_name(0x0f), "initial_source_connection_id");
  EXPECT_FALSE(tp->duplicate_ids);
}

TEST(TransportParameters, FingerprintSortsIdsAndListsNumericValues) {
  const auto tp = parse_transport_parameters(rfc_extension_body());
  ASSERT_TRUE(tp.ok());
  const std::string ids = "1,4,5,6,7,8,9,f";
  const std::string values = "1:30000,4:4611686018427387903,5:65535,6:65535,7:65535,8:16,9:16";
  const Fingerprint f = transport_parameters_fingerprint(*tp);
  EXPECT_EQ(f.raw, "q08_" + ids + "_" + values);
  EXPECT_EQ(f.hash, "q08_" + sha256_hex12(ids) + "_" + sha256_hex12(values));
}

TEST(TransportParameters, WireOrderDoesNotChangeTheFingerprint) {
  // Chrome shuffles its parameters: the same set in another order is the same client.
  const auto a = parse_transport_parameters(unhex("0104800075300801100e0108"));
  const auto b = parse_transport_parameters(unhex("0e0108080110010480007530"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(transport_parameters_fingerprint(*a), transport_parameters_fingerprint(*b));
}

TEST(TransportParameters, GreaseIdsAreMarkedNotListed) {
  EXPECT_TRUE(is_grease_transport_parameter(27));
  EXPECT_TRUE(is_grease_transport_parameter(27 + 31 * 1000));
  EXPECT_FALSE(is_grease_transport_parameter(26));
  EXPECT_FALSE(is_grease_transport_parameter(28));
  // id 0x1b (27) with 2 bytes, id 0x5a (90 = 31*2 + 28: not GREASE), empty; then id 0x0c empty.
  const auto tp = parse_transport_parameters(unhex("1b02abcd405a000c00"));
  ASSERT_TRUE(tp.ok());
  ASSERT_EQ(tp->parameters.size(), 3u);
  EXPECT_EQ(transport_parameter_name(27), "grease");
  EXPECT_EQ(transport_parameters_fingerprint(*tp).raw, "q03_c,5a,gr_");
}

TEST(TransportParameters, TruncatedInputsAreErrors) {
  for (const char* bad : {"01", "0104800075", "40", "01c0"}) {
    const auto tp = parse_transport_parameters(unhex(bad));
    ASSERT_FALSE(tp.ok()) << bad;
    EXPECT_EQ(tp.error(), TransportParamsError::kTruncated) << bad;
  }
  EXPECT_TRUE(parse_transport_parameters({}).ok());  // an empty list is valid
}

TEST(TransportParameters, DuplicateIdsAreKeptAndFlagged) {
  const auto tp = parse_transport_parameters(unhex("030245c003024064"));
  ASSERT_TRUE(tp.ok());
  ASSERT_EQ(tp->parameters.size(), 2u);
  EXPECT_TRUE(tp->duplicate_ids);
  EXPECT_EQ(transport_parameters_fingerprint(*tp).raw, "q02_3,3_3:1472,3:100");
  // Two GREASE parameters are not a duplicate.
  const auto grease = parse_transport_parameters(unhex("1b003a00"));
  ASSERT_TRUE(grease.ok());
  EXPECT_FALSE(grease->duplicate_ids);
}

TEST(TransportParameters, TooManyIsBounded) {
  std::vector<uint8_t> many;
  for (size_t i = 0; i <= limits::kMaxQuicTransportParameters; ++i)
    many.insert(many.end(), {0x0c, 0});
  const auto tp = parse_transport_parameters(many);
  ASSERT_FALSE(tp.ok());
  EXPECT_EQ(tp.error(), TransportParamsError::kTooMany);
}

}  // namespace
}  // namespace fp::quic
