// The profile database text format: every error kind with its line, comments, round trips.
#include <gtest/gtest.h>

#include "identify/profile.h"
#include "identify/vocabulary.h"

namespace fp::identify {
namespace {

constexpr std::string_view kGood = R"(# A comment, like p0f.fp
format = 1

[chrome-131]
  # indented comment
name = chrome
kind = browser
tls_library = boringssl
version = 116-131
os = Windows
os_flavor = 10
source = hand-written test
ja4 = t13d1516h2_8daaf6152771_02713d6af862
ja4 = t13d1517h2_8daaf6152771_b0da82dd1658
ja3n = dee19b855b658c6aa0f575eda2525e19
akamai = 1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p
ja4t = 64240_2-1-3-1-1-4_1460_8
header_order = :method,:authority,:scheme,:path
ciphers = 0a0a,1301,c02b
groups = 11ec,001d
h2_settings = 1:65536;2:0
)";

TEST(ProfileDb, ReadsAGoodFile) {
  const ProfileDb db = parse_profile_db(kGood);
  ASSERT_TRUE(db.errors.empty()) << db.errors[0].line << ": " << db.errors[0].message;
  ASSERT_EQ(db.profiles.size(), 1u);
  const Profile& p = db.profiles[0];
  EXPECT_EQ(p.id, "chrome-131");
  EXPECT_EQ(p.line, 4u);
  EXPECT_EQ(p.version, "116-131");
  EXPECT_EQ(p.of(FingerprintKind::kJa4).size(), 2u);
  EXPECT_EQ(p.ciphers, (std::vector<uint16_t>{0x0a0a, 0x1301, 0xc02b}));
}

TEST(ProfileDb, FormatRoundTrips) {
  const ProfileDb db = parse_profile_db(kGood);
  const std::string text = format_profile_db(db.profiles, "header");
  const ProfileDb again = parse_profile_db(text);
  ASSERT_TRUE(again.errors.empty());
  ASSERT_EQ(again.profiles.size(), 1u);
  EXPECT_EQ(format_profile(again.profiles[0]), format_profile(db.profiles[0]));
  EXPECT_EQ(text.rfind("# header\n", 0), 0u);
}

struct BadLine {
  std::string_view line;
  std::string_view message_part;
};

class ProfileDbErrors : public ::testing::TestWithParam<BadLine> {};

// Each bad line sits on line 5, after a good profile header; the profile itself survives.
TEST_P(ProfileDbErrors, ReportsTheLineAndKeepsTheProfile) {
  const std::string text =
      "format = 1\n[p]\nname = curl\n\n" + std::string(GetParam().line) + "\nkind = tool\n";
  const ProfileDb db = parse_profile_db(text);
  ASSERT_EQ(db.errors.size(), 1u) << GetParam().line;
  EXPECT_EQ(db.errors[0].line, 5u);
  EXPECT_NE(db.errors[0].message.find(GetParam().message_part), std::string::npos)
      << db.errors[0].message;
  ASSERT_EQ(db.profiles.size(), 1u);
  EXPECT_EQ(db.profiles[0].kind, "tool");
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind, ProfileDbErrors,
    ::testing::Values(BadLine{"just words", "expected `key = value`"},
                      BadLine{"colour = blue", "unknown key 'colour'"},
                      BadLine{"os =", "empty value"}, BadLine{"name = wget", "given twice"},
                      BadLine{"tls_library = libressl", "not in the vocabulary"},
                      BadLine{"os = linux", "not in the vocabulary"},
                      BadLine{"version = v1", "bad version"},
                      BadLine{"ja4 = t13d1516h2_8daaf6152771", "bad ja4"},
                      BadLine{"ja3n = 123", "bad ja3n"}, BadLine{"akamai = 1:2|3", "bad akamai"},
                      BadLine{"ja4t = 64240_x_1460_8", "bad ja4t"},
                      BadLine{"ciphers = 1301,,c02b", "hex code points"},
                      BadLine{"groups = 12345", "hex code points"},
                      BadLine{"header_order = Host,Accept", "bad header_order"},
                      BadLine{"h2_settings = 1=2", "bad h2_settings"},
                      BadLine{"format = 1", "`format` must come once"}));

TEST(ProfileDb, DuplicateIdSkipsTheSecondSection) {
  const ProfileDb db =
      parse_profile_db("format = 1\n[a]\nname = curl\n[a]\nname = wget\nkind = tool\n");
  ASSERT_EQ(db.errors.size(), 1u);
  EXPECT_EQ(db.errors[0].line, 4u);
  EXPECT_NE(db.errors[0].message.find("first at line 2"), std::string::npos);
  ASSERT_EQ(db.profiles.size(), 1u);
  EXPECT_EQ(db.profiles[0].name, "curl");
}

TEST(ProfileDb, FileLevelErrors) {
  const ProfileDb db = parse_profile_db(
      "name = curl\n[Bad Id]\nname = curl\n[ok\n[empty]\nkind = tool\n[x]\nos = Linux\n");
  ASSERT_EQ(db.errors.size(), 5u);
  EXPECT_EQ(db.errors[0].line, 1u);  // key outside a section
  EXPECT_EQ(db.errors[1].line, 2u);  // bad id (its lines are not reported again)
  EXPECT_EQ(db.errors[2].line, 4u);  // bad header
  EXPECT_EQ(db.errors[3].line, 5u);  // missing format, said at the first good section
  EXPECT_NE(db.errors[3].message.find("missing `format"), std::string::npos);
  EXPECT_EQ(db.errors[4].line, 5u);  // [empty] has no name, os or label
  ASSERT_EQ(db.profiles.size(), 1u);
  EXPECT_EQ(db.profiles[0].os, "Linux");
}

TEST(ProfileDb, UnsupportedFormatIsReportedAndReadAnyway) {
  const ProfileDb db = parse_profile_db("format = 2\n[a]\nname = curl\n");
  ASSERT_EQ(db.errors.size(), 1u);
  EXPECT_EQ(db.errors[0].line, 1u);
  EXPECT_EQ(db.profiles.size(), 1u);
}

TEST(ProfileDb, CommittedDatabasesAreClean) {
  for (const char* name :
       {"curl-impersonate-lexiforest", "curl-impersonate-lwthiker", "tls-client", "ja4-mapping"}) {
    FILE* f =
        std::fopen((std::string(FP_SOURCE_DIR) + "/data/profiles/" + name + ".fpdb").c_str(), "rb");
    ASSERT_NE(f, nullptr) << name;
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    const ProfileDb db = parse_profile_db(text);
    EXPECT_TRUE(db.errors.empty())
        << name << ":" << db.errors[0].line << ": " << db.errors[0].message;
    EXPECT_FALSE(db.profiles.empty()) << name;
  }
}

TEST(Vocabulary, HasTheIssueWords) {
  for (auto w :
       {"chrome", "edge", "opera", "firefox", "safari", "tor", "curl", "wget", "python-requests",
        "python-urllib", "go", "node", "java", "okhttp", "openssl", "gnutls-cli"}) {
    EXPECT_TRUE(is_client_name(w)) << w;
  }
  for (auto w :
       {"boringssl", "nss", "openssl", "gnutls", "go", "jsse", "schannel", "apple", "rustls"}) {
    EXPECT_TRUE(is_tls_library(w)) << w;
  }
  EXPECT_TRUE(is_os_name("Mac OS X"));
  EXPECT_FALSE(is_client_name("Chrome"));
  EXPECT_TRUE(is_client_kind("bot"));
}

}  // namespace
}  // namespace fp::identify
