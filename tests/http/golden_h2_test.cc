// HTTP/2 inside TLS from the two FoxIO captures with embedded TLS secrets. The client bytes were
// decrypted by tshark (scripts/extract-http-vectors.sh); expectations are the first JA4H of each
// reference (Rust counts pseudo-headers, Wireshark and Python do not) and the Akamai string that
// testdata/ja4/expected/derived-tshark-4.0.17/akamai-h2.tsv derived from tshark's decode.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/hex.h"
#include "http/akamai.h"
#include "http/http2.h"
#include "http/ja4h.h"

namespace fp::http {
namespace {

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    rows.push_back(cols);
  }
  return rows;
}

std::map<std::string, std::string> derived_akamai() {
  std::map<std::string, std::string> out;  // pcap -> akamai raw
  for (const auto& r :
       read_tsv(std::string(FP_TESTDATA) + "/ja4/expected/derived-tshark-4.0.17/akamai-h2.tsv")) {
    if (r.size() >= 4) out[r[0]] = r[3];
  }
  return out;
}

std::string strip_trailing_comma(std::string v) {
  if (v.ends_with(',')) v.pop_back();
  return v;
}

TEST(GoldenHttp2, DecryptedFoxIoCaptures) {
  const auto akamai = derived_akamai();
  const auto rows = read_tsv(std::string(FP_SOURCE_DIR) + "/tests/http/vectors/h2-tls-streams.tsv");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 9u);
    SCOPED_TRACE(r[0]);
    const auto bytes = hex_decode(r[2]);
    ASSERT_TRUE(bytes.has_value());
    const auto preface = parse_http2_preface(*bytes);
    ASSERT_TRUE(preface.ok()) << describe(preface.error());
    ASSERT_TRUE(preface->complete);
    ASSERT_TRUE(preface->request.has_value());

    ASSERT_EQ(akamai.count(r[0]), 1u);
    EXPECT_EQ(akamai_fingerprint(*preface).raw, akamai.at(r[0]));

    const Ja4h rust = ja4h(*preface->request, {.count_pseudo_headers = true});
    const Ja4h py = ja4h(*preface->request, {.count_pseudo_headers = false});
    EXPECT_EQ(rust.ja4h, r[3]);
    EXPECT_EQ(py.ja4h, r[4]);
    EXPECT_EQ(py.ja4h_r, r[5]);
    EXPECT_EQ(py.ja4h_ro, strip_trailing_comma(r[6]));
    EXPECT_EQ(py.ja4h, r[7]);
    const bool no_cookies = py.ja4h.ends_with("_000000000000_000000000000");
    EXPECT_EQ(py.ja4h_ro, no_cookies ? r[8] + "_" : r[8]);
  }
}

}  // namespace
}  // namespace fp::http
