// TLS decryption in the capture path: http2-with-cookies.pcapng (TLS 1.3, HTTP/2, its secrets in
// a Decryption Secrets Block) gives the JA4H of FoxIO's Rust tool for each of its 15 requests
// (testdata rust-json) and tshark's decrypted Akamai fingerprint (derived-tshark-4.0.17); cut
// short at any frame it gives a prefix of those requests and nothing else.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "capture/analyzer.h"
#include "capture/pcap_reader.h"
#include "decrypt/key_log.h"
#include "decrypt/pcapng_secrets.h"
#include "support/mini_json.h"

namespace fp::capture {
namespace {

const std::string kPcap = std::string(FP_TESTDATA) + "/ja4/pcap/http2-with-cookies.pcapng";

decrypt::KeyLog secrets_of_pcap() {
  decrypt::KeyLog log;
  std::FILE* f = std::fopen(kPcap.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  if (f == nullptr) return log;
  auto secrets = decrypt::read_pcapng_secrets(f);
  std::fclose(f);
  EXPECT_TRUE(secrets);
  if (secrets) {
    for (const auto& text : secrets->tls_key_logs) (void)log.add_text(text);
  }
  return log;
}

std::vector<std::string> rust_ja4h() {
  std::ifstream in(std::string(FP_TESTDATA) +
                   "/ja4/expected/rust-json/http2-with-cookies.pcapng.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto json = test::parse_json(text);
  std::vector<std::string> out;
  if (!json || json->items.empty()) return out;
  for (const auto& m : json->items[0].members) {
    if (m.key != "http") continue;
    for (const auto& h : m.value.items) out.push_back(h.get("ja4h").value_or(""));
  }
  return out;
}

// The records of the first `max_frames` frames (all when 0).
std::vector<StreamRecord> analyze(const decrypt::KeyLog* keys, size_t max_frames = 0) {
  std::vector<StreamRecord> records;
  std::string error;
  auto reader = PcapReader::open(kPcap, error);
  EXPECT_TRUE(reader) << error;
  if (!reader) return records;
  Analyzer analyzer([&](StreamRecord&& r) { records.push_back(std::move(r)); });
  analyzer.set_key_log(keys);
  size_t frames = 0;
  while (auto frame = reader->next()) {
    analyzer.add_frame(*frame);
    if (++frames == max_frames) break;
  }
  analyzer.finish();
  return records;
}

std::vector<std::string> ja4h_of(const StreamRecord& r) {
  std::vector<std::string> out;
  for (const auto& h : r.http) out.push_back(h.ja4h);
  return out;
}

TEST(TlsDecryptFlowTest, MatchesTheReferences) {
  const decrypt::KeyLog keys = secrets_of_pcap();
  const auto want = rust_ja4h();
  ASSERT_EQ(want.size(), 15u);
  const auto records = analyze(&keys);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(ja4h_of(records[0]), want);
  ASSERT_TRUE(records[0].akamai);
  EXPECT_EQ(records[0].akamai->raw, "1:65536;2:0;3:1000;4:6291456;6:262144|15663105|0|m,a,s,p");
  EXPECT_FALSE(records[0].http2_frames.empty());
  EXPECT_EQ(records[0].tls_certs.size(), 1u);
}

TEST(TlsDecryptFlowTest, WithoutSecretsNothingInside) {
  const auto records = analyze(nullptr);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].http.empty());
  EXPECT_FALSE(records[0].akamai);
}

TEST(TlsDecryptFlowTest, CutShortGivesAPrefix) {
  const decrypt::KeyLog keys = secrets_of_pcap();
  const auto want = rust_ja4h();
  for (size_t frames : {5, 9, 12, 20, 40, 80, 160, 400, 1000}) {
    const auto records = analyze(&keys, frames);
    if (records.empty()) continue;
    const auto got = ja4h_of(records[0]);
    ASSERT_LE(got.size(), want.size()) << frames;
    EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin())) << frames;
  }
}

}  // namespace
}  // namespace fp::capture
