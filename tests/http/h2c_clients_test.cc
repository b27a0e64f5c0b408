// Real clients' h2c prefaces recorded on loopback (tests/http/vectors/capture-h2c.sh), with the
// Akamai string derived from tshark's HTTP/2 decode of the same packets.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/hex.h"
#include "http/akamai.h"
#include "http/http2.h"

namespace fp::http {
namespace {

TEST(H2cClients, AkamaiMatchesTshark) {
  std::ifstream in(std::string(FP_SOURCE_DIR) + "/tests/http/vectors/h2c-clients.tsv");
  ASSERT_TRUE(in.good());
  std::string line;
  std::getline(in, line);
  int checked = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    ASSERT_EQ(cols.size(), 3u) << line;
    SCOPED_TRACE(cols[0]);
    const auto bytes = hex_decode(cols[1]);
    ASSERT_TRUE(bytes.has_value());
    const auto preface = parse_http2_preface(*bytes);
    ASSERT_TRUE(preface.ok()) << describe(preface.error());
    EXPECT_TRUE(preface->complete);
    EXPECT_EQ(akamai_fingerprint(*preface).raw, cols[2]);
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

}  // namespace
}  // namespace fp::http
