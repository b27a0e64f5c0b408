// Golden JA4H over the FoxIO reference captures. tests/http/vectors/*.tsv were made by
// scripts/extract-http-vectors.sh: the client bytes of every stream with an HTTP request, as
// tshark reassembles them, and the expected values copied verbatim from the Rust, Wireshark and
// Python reference outputs. Nothing expected here comes from our code.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/hex.h"
#include "core/limits.h"
#include "http/http1.h"
#include "http/ja4h.h"

namespace fp::http {
namespace {

const std::string kVectors = std::string(FP_SOURCE_DIR) + "/tests/http/vectors/";

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (line.ends_with('\t')) cols.emplace_back();
    rows.push_back(cols);
  }
  return rows;
}

using Key = std::tuple<std::string, std::string, std::string>;  // pcap, transport, stream

// Every request head in a client byte stream, in order; bodies skipped by Content-Length.
std::vector<Ja4h> fingerprint_stream(const std::vector<uint8_t>& bytes) {
  std::vector<Ja4h> out;
  Bytes rest(bytes);
  while (!rest.empty() && out.size() < limits::kMaxHttpRequestsPerStream) {
    const Http1Parse p = parse_http1_request(rest);
    if (p.status != ParseStatus::kDone) break;
    out.push_back(ja4h(p.request));
    const size_t skip = p.consumed + declared_body_length(p.request);
    rest = rest.subspan(std::min(skip, rest.size()));
  }
  return out;
}

std::map<Key, std::vector<Ja4h>> fingerprint_all() {
  std::map<Key, std::vector<Ja4h>> out;
  for (const auto& row : read_tsv(kVectors + "http1-streams.tsv")) {
    if (row.size() < 4) continue;
    const auto bytes = hex_decode(row[3]);
    EXPECT_TRUE(bytes.has_value()) << row[0] << " " << row[2];
    if (bytes) out[{row[0], row[1], row[2]}] = fingerprint_stream(*bytes);
  }
  return out;
}

// The Wireshark plugin hashes an empty header list to SHA-256("") where Rust writes zeros.
std::string wireshark_to_rust_convention(std::string v) {
  const std::string ws = "_e3b0c44298fc_";
  if (const size_t at = v.find(ws); at != std::string::npos)
    v.replace(at, ws.size(), "_000000000000_");
  return v;
}

// The Wireshark plugin ends JA4H_ro with ',' after the last cookie pair.
std::string strip_trailing_comma(std::string v) {
  if (v.ends_with(',')) v.pop_back();
  return v;
}

// Python writes "a_headers_" without the empty cookie fields when there is no cookie.
std::string python_ro_to_four_parts(const std::string& v, const std::string& ja4h) {
  return ja4h.ends_with("_000000000000_000000000000") ? v + "_" : v;
}

TEST(GoldenJa4h, FoxIoReferenceCaptures) {
  const auto ours = fingerprint_all();
  const auto expected = read_tsv(kVectors + "http1-expected.tsv");
  ASSERT_GE(expected.size(), 100u);
  std::map<std::string, int> agree, compared;
  auto check = [&](const std::string& ref, const std::string& want, const std::string& got,
                   const std::string& where) {
    if (want == "-") return;
    ++compared[ref];
    EXPECT_EQ(got, want) << ref << " " << where;
    if (got == want) ++agree[ref];
  };
  for (const auto& r : expected) {
    ASSERT_EQ(r.size(), 10u);
    const std::string where = r[0] + " " + r[1] + " stream " + r[2] + " #" + r[3];
    const auto it = ours.find({r[0], r[1], r[2]});
    ASSERT_NE(it, ours.end()) << where;
    const size_t i = std::stoul(r[3]);
    ASSERT_LT(i, it->second.size()) << where;
    const Ja4h& j = it->second[i];
    check("rust ja4h", r[4], j.ja4h, where);
    check("wireshark ja4h", r[5] == "-" ? r[5] : wireshark_to_rust_convention(r[5]), j.ja4h, where);
    check("wireshark ja4h_r", r[6], j.ja4h_r, where);
    check("wireshark ja4h_ro", r[7] == "-" ? r[7] : strip_trailing_comma(r[7]), j.ja4h_ro, where);
    check("python ja4h", r[8], j.ja4h, where);
    check("python ja4h_ro", r[9] == "-" ? r[9] : python_ro_to_four_parts(r[9], j.ja4h), j.ja4h_ro,
          where);
  }
  size_t requests = 0;
  for (const auto& [key, list] : ours) requests += list.size();
  EXPECT_EQ(requests, expected.size()) << "requests found vs reference requests";
  for (const auto& [ref, n] : compared) {
    std::printf("[golden] %-18s %d/%d agree\n", ref.c_str(), agree[ref], n);
  }
}

}  // namespace
}  // namespace fp::http
