// Importers against the committed public sources: counts as their READMEs give them, values
// spot-checked against the source files, and derived JA4 checked against a wire-built hello.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "identify/importers.h"
#include "identify/importers_tree.h"
#include "support/client_hello_builder.h"
#include "tls/client_hello.h"
#include "tls/ja4.h"

namespace fp::identify {
namespace {

namespace fs = std::filesystem;
const fs::path kProfiles = fs::path(FP_TESTDATA) / "profiles";

std::vector<SourceText> read_dir(const fs::path& dir, std::string_view ext) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SourceText> out;
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    out.push_back({p.string(), std::string(std::istreambuf_iterator<char>(in), {})});
  }
  return out;
}

const Profile* find(const ImportResult& r, std::string_view id) {
  for (const Profile& p : r.profiles) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

bool has(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

TEST(CurlImpersonate, LexiforestCountsAndValues) {
  const auto r =
      import_profiles(ImportKind::kCurlImpersonate,
                      read_dir(kProfiles / "curl-impersonate/lexiforest/signatures", ".yaml"));
  EXPECT_EQ(r.profiles.size(), 43u);
  EXPECT_TRUE(r.issues.empty()) << r.issues[0].file << ":" << r.issues[0].line << " "
                                << r.issues[0].message;
  const Profile* p = find(r, "lexiforest-chrome_131.0.6778.86");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "chrome");
  EXPECT_EQ(p->tls_library, "boringssl");
  EXPECT_EQ(p->os, "Mac OS X");
  // The file's SETTINGS (1:65536, 2:0, 4:6291456, 6:262144) and WINDOW_UPDATE 15663105.
  EXPECT_TRUE(
      has(p->of(FingerprintKind::kAkamai), "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p"));
  // This profile's ClientHello agrees with its third_party ja3n_hash (README: 16 of 20 do).
  EXPECT_TRUE(has(p->of(FingerprintKind::kJa3n), "dee19b855b658c6aa0f575eda2525e19"));
  EXPECT_TRUE(p->source.find("chrome_131.0.6778.86.yaml") != std::string::npos);
  EXPECT_EQ(p->header_orders.at(0).rfind(":method,:authority,:scheme,:path,sec-ch-ua,", 0), 0u);
  // A multi-line quoted header value (chrome_100) keeps its User-Agent whole.
  const Profile* c100 = find(r, "lexiforest-chrome_100.0.4896.127_win10");
  ASSERT_NE(c100, nullptr);
  EXPECT_NE(c100->user_agent.find("(KHTML, like Gecko) Chrome/100"), std::string::npos);
  EXPECT_EQ(c100->os_flavor, "10");
}

TEST(CurlImpersonate, LwthikerCountsAndNoAkamaiWithoutSettings) {
  const auto r =
      import_profiles(ImportKind::kCurlImpersonate,
                      read_dir(kProfiles / "curl-impersonate/lwthiker/signatures", ".yaml"));
  EXPECT_EQ(r.profiles.size(), 21u);
  EXPECT_TRUE(r.issues.empty());
  for (const Profile& p : r.profiles) {
    EXPECT_TRUE(p.of(FingerprintKind::kAkamai).empty()) << p.id;  // no SETTINGS in lwthiker
    EXPECT_FALSE(p.header_orders.empty()) << p.id;
    EXPECT_EQ(p.of(FingerprintKind::kJa4).size(), 1u) << p.id;
  }
}

// The record filled from fields and a hello built as wire bytes and parsed give one JA4.
TEST(CurlImpersonate, DerivedJa4MatchesAWireBuiltHello) {
  const auto r =
      import_profiles(ImportKind::kCurlImpersonate,
                      read_dir(kProfiles / "curl-impersonate/lwthiker/signatures", ".yaml"));
  const Profile* p = find(r, "lwthiker-chrome_98.0.4758.102_win10");
  ASSERT_NE(p, nullptr);
  test::ClientHelloBuilder b;
  b.ciphers({0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
             0xc014, 0x009c, 0x009d, 0x002f, 0x0035});
  b.extension(0x0a0a, {})
      .sni("example.com")
      .extension(23, {})
      .extension(0xff01, {0})
      .supported_groups({0x0a0a, 0x1d, 0x17, 0x18})
      .ec_point_formats({0})
      .session_ticket()
      .alpn({"h2", "http/1.1"})
      .extension(5, {1, 0, 0, 0, 0})
      .signature_algorithms({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601})
      .extension(18, {})
      .key_share({{0x0a0a, 1}, {0x1d, 32}})
      .psk_key_exchange_modes({1})
      .supported_versions({0x0a0a, 0x0304, 0x0303})
      .compress_certificate({2})
      .extension(17513, {0, 3, 2, 'h', '2'})
      .extension(0x1a1a, {0})
      .padding(10);
  auto hello = tls::parse_client_hello(b.body());
  ASSERT_TRUE(hello);
  EXPECT_TRUE(has(p->of(FingerprintKind::kJa4), tls::ja4(*hello).ja4));
}

TEST(TlsClient, CountsAndNames) {
  const auto r = import_profiles(ImportKind::kTlsClient,
                                 read_dir(kProfiles / "tls-client-export/profiles", ".json"));
  // 66 files; 29 of them (all Safari, Firefox and iOS-app files) offer TLS 1.3 with
  // supported_groups but no key_share, which RFC 8446 9.2 forbids: skipped, one issue each.
  EXPECT_EQ(r.profiles.size(), 37u);
  const auto key_share_issues = std::count_if(r.issues.begin(), r.issues.end(), [](auto& i) {
    return i.message.find("no key_share") != std::string::npos;
  });
  EXPECT_EQ(key_share_issues, 29);
  EXPECT_EQ(find(r, "tls-client-safari_ios_18_5"), nullptr);
  EXPECT_EQ(find(r, "tls-client-firefox_135"), nullptr);
  const Profile* ok = find(r, "tls-client-okhttp4_android_13");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->name, "okhttp");
  EXPECT_EQ(ok->version, "4");
  EXPECT_EQ(ok->os, "Android");
  EXPECT_EQ(ok->os_flavor, "13");
  const Profile* opera = find(r, "tls-client-opera_91");
  ASSERT_NE(opera, nullptr);
  EXPECT_EQ(opera->version, "91");
  const Profile* c133 = find(r, "tls-client-chrome_133");
  ASSERT_NE(c133, nullptr);
  EXPECT_EQ(c133->groups, (std::vector<uint16_t>{0x0a0a, 25497, 29, 23, 24}));
}

TEST(TlsClient, ValuesThatAreNotWireValuesAreReported) {
  const SourceText bad{"x/chrome_1.json",
                       R"({"cipher_suites": [4865, 70000], "extensions": [
                         {"type": "SupportedVersions", "data": [772, 131072]},
                         {"type": "Bogus"}]})"};
  const auto r = import_tls_client(bad);
  ASSERT_EQ(r.profiles.size(), 1u);
  EXPECT_EQ(r.profiles[0].ciphers, std::vector<uint16_t>{4865});
  ASSERT_EQ(r.issues.size(), 3u);
  EXPECT_NE(r.issues[0].message.find("70000"), std::string::npos);
  EXPECT_NE(r.issues[2].message.find("Bogus"), std::string::npos);
}

TEST(TlsClient, Tls13HelloWithoutKeyShareIsSkipped) {
  const SourceText no_key_share{"x/safari_ios_18_5.json", R"({"cipher_suites": [4865],
      "extensions": [{"type": "SupportedCurves", "data": [29]},
                     {"type": "SupportedVersions", "data": [772]}]})"};
  const auto r = import_tls_client(no_key_share);
  EXPECT_TRUE(r.profiles.empty());
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("RFC 8446"), std::string::npos);

  const SourceText tls12{"x/safari_ios_18_5.json", R"({"cipher_suites": [49195],
      "extensions": [{"type": "SupportedCurves", "data": [29]},
                     {"type": "SupportedVersions", "data": [771]}]})"};
  EXPECT_EQ(import_tls_client(tls12).profiles.size(), 1u);  // TLS 1.2 needs no key_share
}

TEST(Ja4Mapping, EveryRowVerbatim) {
  const fs::path csv = fs::path(FP_TESTDATA) / "ja4/mapping/ja4plus-mapping.csv";
  const auto r = import_profiles(ImportKind::kJa4Mapping, read_dir(csv.parent_path(), ".csv"));
  EXPECT_EQ(r.profiles.size(), 66u);
  EXPECT_TRUE(r.issues.empty());
  const Profile* row5 = find(r, "ja4-mapping-line-5");  // Chromium Browser, first ja4
  ASSERT_NE(row5, nullptr);
  EXPECT_EQ(row5->name, "chromium");
  EXPECT_EQ(row5->of(FingerprintKind::kJa4),
            std::vector<std::string>{"t13d1516h2_8daaf6152771_02713d6af862"});
  const Profile* win =
      find(r, "ja4-mapping-line-17");  // ,,,Windows 10,...,64240_2-1-3-1-1-4_1460_8
  ASSERT_NE(win, nullptr);
  EXPECT_EQ(win->os, "Windows");
  EXPECT_EQ(win->of(FingerprintKind::kJa4t), std::vector<std::string>{"64240_2-1-3-1-1-4_1460_8"});
}

TEST(Tree, YamlAndJsonShapes) {
  const auto docs = parse_tree(
      "# c\na: [1, 'two', \"th\\\"ree\",]\nb:\n- x: 1\n  y: 2\n- - nested\nc: !!binary |\n  AA==\n"
      "---\n{\"k\": [1, {\"z\": \"\"}]}\n");
  ASSERT_EQ(docs.documents.size(), 2u);
  EXPECT_TRUE(docs.errors.empty());
  const TreeNode& d = docs.documents[0];
  EXPECT_EQ(d.get("a")->items.at(2).scalar, "th\"ree");
  EXPECT_EQ(d.get("b")->items.at(0).text("y"), "2");
  EXPECT_EQ(d.get("b")->items.at(1).items.at(0).scalar, "nested");
  EXPECT_EQ(d.text("c"), "AA==");
  EXPECT_EQ(docs.documents[1].get("k")->items.at(1).text("z"), "");
  EXPECT_FALSE(parse_tree("a: [1, 2\nb: 3").errors.empty());
}

}  // namespace
}  // namespace fp::identify
