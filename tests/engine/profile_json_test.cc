// The API's profile JSON: exact output, every committed profile through JSON and back, and bad
// bodies with the field and reason each must report.
#include "engine/profile_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "identify/committed_profiles.h"
#include "store/same_profile.h"

namespace fp::engine {
namespace {

using identify::FingerprintKind;
using identify::Profile;
using identify::test::same_profile;

TEST(ProfileJson, WritesEveryKeyInOrder) {
  Profile p;
  p.id = "x";
  p.name = "curl";
  p.kind = "tool";
  p.version = "8.0";
  p.os = "Linux";
  p.label = "Label \"q\"";
  p.of(FingerprintKind::kJa4).push_back("t13d1516h2_8daaf6152771_02713d6af862");
  p.header_orders.push_back("host,accept");
  p.ciphers = {0x1301, 0xc02b};
  p.h2_settings = "1:65536";
  EXPECT_EQ(profile_to_json(p, 1700000000123),
            R"({"id":"x","name":"curl","kind":"tool","version":"8.0","tls_library":"",)"
            R"("os":"Linux","os_flavor":"","label":"Label \"q\"","source":"","user_agent":"",)"
            R"("notes":"","fingerprints":{"ja4":["t13d1516h2_8daaf6152771_02713d6af862"],)"
            R"("ja3n":[],"ja4h":[],"akamai":[],"ja4t":[],"ja4s":[],"ja4x":[],"ja4tscan":[]},)"
            R"("header_orders":["host,accept"],"ciphers":[4865,49195],"extensions":[],)"
            R"("groups":[],"sig_algs":[],"h2_settings":"1:65536",)"
            R"("updated":"2023-11-14T22:13:20.123Z"})");
  EXPECT_EQ(profile_to_json(p).find("updated"), std::string::npos);
}

TEST(ProfileJson, Rfc3339) {
  // Expectations from `date -u -d @SECONDS`.
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_utc(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(rfc3339_utc(1700000000999), "2023-11-14T22:13:20.999Z");
  EXPECT_EQ(rfc3339_utc(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(rfc3339_utc(253402300799000), "9999-12-31T23:59:59.000Z");
}

TEST(ProfileJson, EveryCommittedProfileRoundTrips) {
  const std::vector<Profile> committed = identify::test::committed_profiles(FP_SOURCE_DIR);
  ASSERT_GT(committed.size(), 100u);
  for (const Profile& p : committed) {
    const std::string json = profile_to_json(p, 1700000000000);
    boost::json::error_code ec;
    (void)boost::json::parse(json, ec);
    EXPECT_FALSE(ec) << p.id << ": " << json;
    std::string field, error;
    const std::optional<Profile> back = profile_from_json(json, "", field, error);
    ASSERT_TRUE(back) << p.id << ": " << field << ": " << error;
    EXPECT_TRUE(same_profile(*back, p));
  }
}

TEST(ProfileJson, IdFromThePath) {
  std::string field, error;
  std::optional<Profile> p = profile_from_json(R"({"name":"curl"})", "my-curl", field, error);
  ASSERT_TRUE(p) << field << ": " << error;
  EXPECT_EQ(p->id, "my-curl");
  p = profile_from_json(R"({"id":"my-curl","name":"curl"})", "my-curl", field, error);
  ASSERT_TRUE(p) << field << ": " << error;
  EXPECT_EQ(p->id, "my-curl");
}

TEST(ProfileJson, NullIsAbsentAndUpdatedIsIgnored) {
  std::string field, error;
  const std::optional<Profile> p = profile_from_json(
      R"({"id":"a","name":"curl","os":null,"fingerprints":{"ja4":null},"ciphers":null,)"
      R"("updated":"2023-11-14T22:13:20.123Z","label":"Navigateur é"})",
      "", field, error);
  ASSERT_TRUE(p) << field << ": " << error;
  EXPECT_EQ(p->os, "");
  EXPECT_TRUE(p->of(FingerprintKind::kJa4).empty());
  EXPECT_TRUE(p->ciphers.empty());
  EXPECT_EQ(p->label, "Navigateur é");
}

TEST(ProfileJson, TextThatIsNotUtf8IsWrittenAsValidJson) {
  Profile p;
  p.id = "x";
  p.label = "bad \xff byte";
  const std::string json = profile_to_json(p);
  boost::json::error_code ec;
  const boost::json::value v = boost::json::parse(json, ec);
  ASSERT_FALSE(ec) << json;
  EXPECT_EQ(v.at("label").as_string(), "bad \xEF\xBF\xBD byte");
}

struct BadBody {
  const char* what;
  std::string body;
  std::string path;
  std::string field;
  std::string error_part;
};

void PrintTo(const BadBody& b, std::ostream* os) { *os << b.what; }

class ProfileJsonErrors : public ::testing::TestWithParam<BadBody> {};

TEST_P(ProfileJsonErrors, NameTheFieldAndTheReason) {
  const BadBody& b = GetParam();
  std::string field = "unset", error;
  EXPECT_FALSE(profile_from_json(b.body, b.path, field, error));
  EXPECT_EQ(field, b.field) << error;
  EXPECT_NE(error.find(b.error_part), std::string::npos) << error;
}

std::string with(const std::string& members) {
  return R"({"id":"a","name":"curl",)" + members + "}";
}

std::string list_of(size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += i ? ",1" : "1";
  return out + "]";
}

const std::string kJa4 = "t13d1516h2_8daaf6152771_02713d6af862";

INSTANTIATE_TEST_SUITE_P(
    Bodies, ProfileJsonErrors,
    ::testing::Values(
        BadBody{"not json", "not json", "", "", "not valid JSON"},
        BadBody{"empty", "", "", "", "not valid JSON"},
        BadBody{"trailing text", R"({"id":"a","name":"curl"} x)", "", "", "not valid JSON"},
        BadBody{"too deep", std::string(100, '[') + std::string(100, ']'), "", "",
                "not valid JSON"},
        BadBody{"not utf-8", "{\"id\":\"a\",\"label\":\"\xff\"}", "", "", "not valid JSON"},
        BadBody{"array", "[1]", "", "", "expected a JSON object"},
        BadBody{"unknown key", with(R"("colour":"blue")"), "", "colour", "unknown key"},
        BadBody{"number for text", R"({"id":"a","name":5})", "", "name", "expected a string"},
        BadBody{"name outside vocabulary", R"({"id":"a","name":"Chrome"})", "", "name",
                "'Chrome' is not in the vocabulary"},
        BadBody{"kind outside vocabulary", with(R"("kind":"spaceship")"), "", "kind",
                "not in the vocabulary"},
        BadBody{"tls library outside vocabulary", with(R"("tls_library":"libressl")"), "",
                "tls_library", "not in the vocabulary"},
        BadBody{"bad id", R"({"id":"Bad Id","name":"curl"})", "", "id",
                "id must match [a-z0-9._-]+"},
        BadBody{"bad id in path", R"({"name":"curl"})", "Bad", "id", "id must match"},
        BadBody{"ids differ", R"({"id":"a","name":"curl"})", "b", "id",
                "does not match the id in the path"},
        BadBody{"no id", R"({"name":"curl"})", "", "id", "a profile needs an id"},
        BadBody{"nothing to tell it by", R"({"id":"a","os_flavor":"10"})", "", "name",
                "a profile needs a name, an os or a label"},
        BadBody{"bad second ja4", with(R"("fingerprints":{"ja4":[")" + kJa4 + R"(","t13"]})"), "",
                "fingerprints.ja4[1]", "not a well-formed JA4: expected three parts joined by '_'"},
        BadBody{"upper-case ja3n",
                with(R"("fingerprints":{"ja3n":["DEE19B855B658C6AA0F575EDA2525E19"]})"), "",
                "fingerprints.ja3n[0]",
                "not a well-formed JA3N: expected 32 lower-case hex digits"},
        BadBody{"fingerprints not an object", with(R"("fingerprints":"x")"), "", "fingerprints",
                "expected an object"},
        BadBody{"unknown fingerprint kind", with(R"("fingerprints":{"ja5":[]})"), "",
                "fingerprints.ja5", "unknown key"},
        BadBody{"fingerprint not in a list", with(R"("fingerprints":{"ja4":")" + kJa4 + "\"}"), "",
                "fingerprints.ja4", "expected an array"},
        BadBody{"number as akamai", with(R"("fingerprints":{"akamai":[5]})"), "",
                "fingerprints.akamai[0]", "expected a string"},
        BadBody{"code point too big", with(R"("ciphers":[4865,65536])"), "", "ciphers[1]",
                "expected an integer from 0 to 65535"},
        BadBody{"negative code point", with(R"("groups":[-1])"), "", "groups[0]",
                "expected an integer from 0 to 65535"},
        BadBody{"fractional code point", with(R"("sig_algs":[1.5])"), "", "sig_algs[0]",
                "expected an integer from 0 to 65535"},
        BadBody{"hex text for code points", with(R"("extensions":"0a0a,0000")"), "", "extensions",
                "expected an array"},
        BadBody{"too many code points", with(R"("ciphers":)" + list_of(1025)), "", "ciphers",
                "more than 1024 items"},
        BadBody{"bad version", with(R"("version":"latest")"), "", "version",
                "bad version 'latest'"},
        BadBody{"upper-case header order", with(R"("header_orders":["Host,Accept"])"), "",
                "header_orders[0]", "bad header_order"},
        BadBody{"bad h2 settings", with(R"("h2_settings":"1=2")"), "", "h2_settings",
                "bad h2_settings"},
        BadBody{"line break in label", with(R"("label":"two\nlines")"), "", "label",
                "must not contain control characters"},
        BadBody{"padded notes", with(R"("notes":" padded")"), "", "notes",
                "must not start or end with a space"},
        BadBody{"huge user agent", with(R"("user_agent":")" + std::string(9000, 'a') + "\""), "",
                "user_agent", "longer than 8192 bytes"}));

}  // namespace
}  // namespace fp::engine
