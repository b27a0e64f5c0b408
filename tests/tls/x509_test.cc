// JA4X and the certificate names, on real certificates of the FoxIO pcaps
// (tests/tls/vectors/certificates.tsv, extracted with tshark) compared with the references read
// at run time: the Wireshark plugin's ja4.ja4x / ja4.ja4x_r of the same frame, and the Rust
// tool's tls_certs of the same stream (rust-json). Then DER and Certificate-message edge cases.
#include "tls/x509.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/hex.h"
#include "support/mini_json.h"
#include "tls/certificate.h"
#include "tls/der.h"
#include "tls/x509_names.h"

namespace fp::tls {
namespace {

using Wire = std::vector<uint8_t>;

struct CertificateRow {
  std::string pcap;
  std::string frame;
  std::string stream;
  size_t index = 0;
  Wire der;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<CertificateRow> load_rows() {
  std::vector<CertificateRow> rows;
  std::istringstream in(
      slurp(std::filesystem::path(FP_SOURCE_DIR) / "tests/tls/vectors/certificates.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream cells(line);
    CertificateRow r;
    std::string index, hex;
    std::getline(cells, r.pcap, '\t');
    std::getline(cells, r.frame, '\t');
    std::getline(cells, r.stream, '\t');
    std::getline(cells, index, '\t');
    std::getline(cells, hex, '\t');
    r.index = std::stoul(index);
    r.der = hex_decode(hex).value_or(Wire{});
    rows.push_back(std::move(r));
  }
  return rows;
}

std::filesystem::path expected(const std::string& set, const std::string& pcap) {
  return std::filesystem::path(FP_TESTDATA) / "ja4/expected" / set / (pcap + ".json");
}

// The Wireshark plugin's `field` array of frame `frame`.
std::vector<std::string> wireshark_field(const std::string& pcap, const std::string& frame,
                                         std::string_view field) {
  const auto doc = test::parse_json(slurp(expected("wireshark", pcap)));
  for (const test::Json& packet : doc ? doc->items : std::vector<test::Json>{}) {
    for (const auto& source : packet.members) {
      if (source.key != "_source") continue;
      const test::Json& layers = source.value.members.at(0).value;
      bool this_frame = false;
      std::vector<std::string> values;
      for (const auto& m : layers.members) {
        if (m.key == "frame.number") this_frame = m.value.items.at(0).text == frame;
        if (m.key == field) {
          for (const auto& v : m.value.items) values.push_back(v.text);
        }
      }
      if (this_frame) return values;
    }
  }
  return {};
}

// rust-json's tls_certs[0].x509[index] of TCP stream `stream`, as (key, value) pairs in order.
std::vector<NameField> rust_x509(const std::string& pcap, const std::string& stream, size_t index) {
  const auto doc = test::parse_json(slurp(expected("rust-json", pcap)));
  for (const test::Json& record : doc ? doc->items : std::vector<test::Json>{}) {
    if (record.get("stream") != stream || record.get("transport") != "tcp") continue;
    for (const auto& m : record.members) {
      if (m.key != "tls_certs") continue;
      const test::Json& chain = m.value.items.at(0).members.at(0).value;
      std::vector<NameField> out;
      for (const auto& f : chain.items.at(index).members) out.emplace_back(f.key, f.value.text);
      return out;
    }
  }
  return {};
}

TEST(Ja4x, RealChainsAgreeWithWiresharkAndRust) {
  const auto rows = load_rows();
  ASSERT_GE(rows.size(), 19u);
  size_t chains = 0;
  for (const CertificateRow& row : rows) {
    SCOPED_TRACE(row.pcap + " frame " + row.frame + " #" + std::to_string(row.index));
    const auto certificate = parse_certificate(row.der);
    ASSERT_TRUE(certificate.ok()) << describe(certificate.error());
    const Ja4x j = ja4x(*certificate);
    const auto ws = wireshark_field(row.pcap, row.frame, "ja4.ja4x");
    const auto ws_r = wireshark_field(row.pcap, row.frame, "ja4.ja4x_r");
    ASSERT_GT(ws.size(), row.index);
    ASSERT_GT(ws_r.size(), row.index);
    EXPECT_EQ(j.ja4x, ws[row.index]);
    EXPECT_EQ(j.ja4x_r, ws_r[row.index]);
    // Rust writes ja4x first, then the names.
    auto rust = rust_x509(row.pcap, row.stream, row.index);
    ASSERT_FALSE(rust.empty());
    EXPECT_EQ(rust.front(), NameField("ja4x", ws[row.index]));
    rust.erase(rust.begin());
    EXPECT_EQ(name_fields(*certificate), rust);
    if (row.index == 0) ++chains;
  }
  EXPECT_GE(chains, 3u);
}

TEST(Ja4x, EmptyListsHashToZeros) {
  const Ja4x j = ja4x(Certificate{});
  EXPECT_EQ(j.ja4x, "000000000000_000000000000_000000000000");
  EXPECT_EQ(j.ja4x_r, "__");
}

// DER: tag, definite length (short or long form), content.
Wire tlv(uint8_t tag, const Wire& content) {
  Wire out{tag};
  const size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

TEST(Der, ShortAndLongFormLengths) {
  const Wire short_form = {0x04, 0x02, 0xaa, 0xbb};
  const Wire long_form = {0x04, 0x81, 0x02, 0xaa, 0xbb};
  const Wire long_form_two = {0x04, 0x82, 0x00, 0x02, 0xaa, 0xbb};  // not minimal: accepted
  for (const Wire& w : {short_form, long_form, long_form_two}) {
    der::DerReader r(w);
    const auto e = r.next();
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->tag, der::kOctetString);
    EXPECT_EQ(Wire(e->content.begin(), e->content.end()), (Wire{0xaa, 0xbb}));
    EXPECT_TRUE(r.empty());
  }
}

TEST(Der, TruncatedAndRefusedLengths) {
  struct Case {
    Wire bytes;
    der::DerError error;
  };
  const Case cases[] = {
      {{0x04}, der::DerError::kTruncated},              // no length
      {{0x04, 0x03, 0xaa}, der::DerError::kTruncated},  // content cut short
      {{0x04, 0x82, 0x01}, der::DerError::kTruncated},  // length octets cut short
      {{0x30, 0x80, 0x00, 0x00}, der::DerError::kIndefiniteLength},
      {{0x04, 0x85, 1, 0, 0, 0, 0}, der::DerError::kLengthTooLong},
      {{0x04, 0xff}, der::DerError::kLengthTooLong},
      {{0x1f, 0x81, 0x01, 0x00}, der::DerError::kHighTagNumber},
  };
  for (const Case& c : cases) {
    der::DerReader r(c.bytes);
    const auto e = r.next();
    ASSERT_FALSE(e.ok()) << hex_encode(c.bytes);
    EXPECT_EQ(e.error(), c.error) << hex_encode(c.bytes);
    EXPECT_FALSE(r.empty());  // a failed read does not move the reader
  }
}

TEST(Der, DepthLimit) {
  Wire nested = tlv(der::kOctetString, {});
  for (size_t i = 0; i < der::kMaxDepth + 1; ++i) nested = tlv(der::kSequence, nested);
  der::DerReader r(nested);
  size_t opened = 0;
  der::DerError error = der::DerError::kTruncated;
  for (;;) {
    auto inner = r.enter(der::kSequence);
    if (!inner) {
      error = inner.error();
      break;
    }
    r = *inner;
    ++opened;
  }
  EXPECT_EQ(opened, der::kMaxDepth);
  EXPECT_EQ(error, der::DerError::kTooDeep);
}

TEST(Der, UnexpectedTag) {
  const Wire w = tlv(der::kSet, {});
  der::DerReader r(w);
  const auto e = r.enter(der::kSequence);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error(), der::DerError::kUnexpectedTag);
}

// A Certificate with only what parse_certificate reads: the Names and extension OIDs given.
Wire minimal_certificate(const Wire& issuer, const Wire& subject, const Wire& extensions) {
  Wire tbs = tlv(0xa0, tlv(der::kInteger, {2}));
  for (const Wire& part : {tlv(der::kInteger, {1}), tlv(der::kSequence, {}), issuer,
                           tlv(der::kSequence, {}), subject, tlv(der::kSequence, {})}) {
    tbs.insert(tbs.end(), part.begin(), part.end());
  }
  if (!extensions.empty()) {
    const Wire e = tlv(0xa3, tlv(der::kSequence, extensions));
    tbs.insert(tbs.end(), e.begin(), e.end());
  }
  Wire certificate = tlv(der::kSequence, tbs);
  for (const Wire& part : {tlv(der::kSequence, {}), tlv(0x03, {0})}) {  // algorithm, signature
    certificate.insert(certificate.end(), part.begin(), part.end());
  }
  return tlv(der::kSequence, certificate);
}

Wire attribute(const Wire& oid, uint8_t string_tag, std::string_view value) {
  Wire atv = tlv(der::kOid, oid);
  const Wire v = tlv(string_tag, Wire(value.begin(), value.end()));
  atv.insert(atv.end(), v.begin(), v.end());
  return tlv(der::kSet, tlv(der::kSequence, atv));
}

Wire name_of(std::initializer_list<Wire> rdns) {
  Wire all;
  for (const Wire& rdn : rdns) all.insert(all.end(), rdn.begin(), rdn.end());
  return tlv(der::kSequence, all);
}

const Wire kOu = {0x55, 0x04, 0x0b}, kCn = {0x55, 0x04, 0x03};
const Wire kEmail = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};  // PKCS#9

TEST(X509Names, RepeatedKeyKeepsFirstPlaceAndLastValue) {
  const Wire subject = name_of({attribute(kOu, 0x0c, "first"), attribute(kCn, 0x13, "host"),
                                attribute(kOu, 0x0c, "second")});
  const auto c = parse_certificate(minimal_certificate(name_of({}), subject, {}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->subject.size(), 3u);
  const std::vector<NameField> want = {{"subjectOrganizationalUnit", "second"},
                                       {"subjectCommonName", "host"}};
  EXPECT_EQ(name_fields(*c), want);
  EXPECT_EQ(ja4x(*c).ja4x_r, "_55040b,550403,55040b_");
}

TEST(X509Names, UnnamedTypesAndNonTextValuesAreLeftOut) {
  const Wire bmp_cn = attribute(kCn, 0x1e, std::string_view("\0h\0i", 4));  // BMPString
  const Wire issuer = name_of(
      {attribute(kEmail, 0x16, "a@b.c"), bmp_cn, attribute(kCn, 0x0c, "\xff\xfe")});  // not UTF-8
  const auto c = parse_certificate(minimal_certificate(issuer, name_of({}), {}));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(name_fields(*c).empty());
  // JA4X still counts every attribute type.
  EXPECT_EQ(ja4x(*c).ja4x_r, "2a864886f70d010901,550403,550403__");
}

TEST(X509, ExtensionOidsInOrder) {
  const Wire ext1 = tlv(der::kSequence, [] {
    Wire e = tlv(der::kOid, {0x55, 0x1d, 0x0f});
    for (const Wire& p : {tlv(der::kBoolean, {0xff}), tlv(der::kOctetString, {3, 2, 5, 0xa0})}) {
      e.insert(e.end(), p.begin(), p.end());
    }
    return e;
  }());
  const Wire ext2 = tlv(der::kSequence, [] {
    Wire e = tlv(der::kOid, {0x55, 0x1d, 0x25});
    const Wire v = tlv(der::kOctetString, {0x30, 0});
    e.insert(e.end(), v.begin(), v.end());
    return e;
  }());
  Wire both = ext1;
  both.insert(both.end(), ext2.begin(), ext2.end());
  const auto c = parse_certificate(minimal_certificate(name_of({}), name_of({}), both));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(ja4x(*c).ja4x_r, "__551d0f,551d25");
}

TEST(X509, EveryTruncationFailsCleanly) {
  const auto rows = load_rows();
  ASSERT_FALSE(rows.empty());
  const Wire& der = rows.front().der;
  for (size_t n = 0; n < der.size(); n += 13) {
    EXPECT_FALSE(parse_certificate(Bytes(der).first(n)).ok()) << n;
  }
}

// A Certificate message body around `certificates` (RFC 5246 7.4.2 / RFC 8446 4.4.2).
Wire certificate_message(const std::vector<Wire>& certificates, bool tls13) {
  Wire list;
  for (const Wire& c : certificates) {
    const size_t n = c.size();
    list.insert(list.end(), {static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                             static_cast<uint8_t>(n)});
    list.insert(list.end(), c.begin(), c.end());
    if (tls13) list.insert(list.end(), {0, 0});  // no entry extensions
  }
  Wire body;
  if (tls13) body.push_back(0);  // empty certificate_request_context
  const size_t n = list.size();
  body.insert(body.end(), {static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                           static_cast<uint8_t>(n)});
  body.insert(body.end(), list.begin(), list.end());
  return body;
}

TEST(CertificateMessage, BothFormsGiveTheChainInOrder) {
  const auto rows = load_rows();
  ASSERT_GE(rows.size(), 2u);
  const std::vector<Wire> chain = {rows[0].der, rows[1].der};
  for (bool tls13 : {false, true}) {
    const Wire body = certificate_message(chain, tls13);
    const auto m = parse_certificate_message(body, tls13);
    ASSERT_TRUE(m.ok()) << tls13;
    ASSERT_EQ(m->certificates.size(), 2u);
    EXPECT_EQ(Wire(m->certificates[1].begin(), m->certificates[1].end()), chain[1]);
    EXPECT_FALSE(m->more);
    // Read in the other form, the same bytes do not parse.
    EXPECT_FALSE(parse_certificate_message(body, !tls13).ok()) << tls13;
    for (size_t n = 0; n < body.size(); n += 101) {
      EXPECT_FALSE(parse_certificate_message(Bytes(body).first(n), tls13).ok()) << n;
    }
  }
}

TEST(CertificateMessage, LongChainIsCutAndFlagged) {
  const std::vector<Wire> chain(kMaxCertificatesPerMessage + 3, Wire{0x30, 0x00});
  const auto m = parse_certificate_message(certificate_message(chain, false), false);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->certificates.size(), kMaxCertificatesPerMessage);
  EXPECT_TRUE(m->more);
}

TEST(CertificateMessage, EmptyCertificateIsABadLength) {
  const auto m = parse_certificate_message(certificate_message({Wire{}}, false), false);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), TlsError::kBadLength);
}

}  // namespace
}  // namespace fp::tls
