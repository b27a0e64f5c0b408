// Akamai HTTP/2 fingerprint parts. Expected strings follow the published format (akamai.h);
// the MD5 values were computed with Python hashlib and match what browserleaks/TrackMe print
// for Chrome ("52d84b11737d980aef856699f885ca86").
#include "http/akamai.h"

#include <gtest/gtest.h>

#include "http/h2_builder.h"

namespace fp::http {
namespace {

using namespace fp::http::test;  // NOLINT: test builders

const std::vector<std::pair<std::string, std::string>> kMasp = {
    {":method", "GET"}, {":authority", "a"}, {":scheme", "https"}, {":path", "/"}, {"x", "y"}};
const std::vector<std::pair<std::string, std::string>> kMpas = {
    {":method", "GET"}, {":path", "/"}, {":authority", "a"}, {":scheme", "https"}};

Fingerprint akamai_of(const Wire& w) {
  auto p = parse_http2_preface(w);
  EXPECT_TRUE(p.ok());
  return p.ok() ? akamai_fingerprint(*p) : Fingerprint{};
}

TEST(Akamai, Chrome) {
  const Fingerprint fp =
      akamai_of(concat({magic(), settings({{1, 65536}, {2, 0}, {4, 6291456}, {6, 262144}}),
                        window_update(0, 15663105), headers(1, hpack_block(kMasp))}));
  EXPECT_EQ(fp.raw, "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p");
  EXPECT_EQ(fp.hash, "52d84b11737d980aef856699f885ca86");
}

TEST(Akamai, FirefoxWithPriorityFrames) {
  // Firefox's published fingerprint: wire weights 200, 100, 0, 0, 0, 240 print as weight + 1.
  const Fingerprint fp = akamai_of(
      concat({magic(), settings({{1, 65536}, {4, 131072}, {5, 16384}}), window_update(0, 12517377),
              priority(3, false, 0, 200), priority(5, false, 0, 100), priority(7, false, 0, 0),
              priority(9, false, 7, 0), priority(11, false, 3, 0), priority(13, false, 0, 240),
              headers(15, hpack_block(kMpas))}));
  EXPECT_EQ(fp.raw,
            "1:65536;4:131072;5:16384|12517377|3:0:0:201,5:0:0:101,7:0:0:1,9:0:7:1,11:0:3:1,"
            "13:0:0:241|m,p,a,s");
  EXPECT_EQ(fp.hash, "3d9132023bf26a71d40fe766e5c24c9d");
}

TEST(Akamai, ExclusiveFlagPrintsOne) {
  const Fingerprint fp = akamai_of(
      concat({magic(), settings({}), priority(3, true, 1, 255), headers(5, hpack_block(kMasp))}));
  EXPECT_EQ(fp.raw, "|00|3:1:1:256|m,a,s,p");
}

TEST(Akamai, NoWindowUpdateIsDoubleZero) {
  const Fingerprint fp =
      akamai_of(concat({magic(), settings({{3, 100}}), headers(1, hpack_block(kMasp))}));
  EXPECT_EQ(fp.raw, "3:100|00|0|m,a,s,p");
}

TEST(Akamai, EmptySettingsFrameGivesEmptyPart) {
  const Fingerprint fp = akamai_of(
      concat({magic(), settings({}), window_update(0, 1000), headers(1, hpack_block(kMpas))}));
  EXPECT_EQ(fp.raw, "|1000|0|m,p,a,s");
}

TEST(Akamai, OnlyTheFirstWindowUpdateAndStreamUpdatesIgnored) {
  const Fingerprint fp =
      akamai_of(concat({magic(), settings({{2, 0}}), window_update(1, 9), window_update(0, 10),
                        window_update(0, 11), headers(1, hpack_block(kMasp))}));
  EXPECT_EQ(fp.raw, "2:0|10|0|m,a,s,p");
}

TEST(Akamai, HeadersPriorityFlagIsNotAPriorityFrame) {
  Wire payload = {0x80, 0, 0, 0, 255};
  const Wire block = hpack_block(kMasp);
  payload.insert(payload.end(), block.begin(), block.end());
  const Fingerprint fp =
      akamai_of(concat({magic(), settings({{2, 0}}), headers(1, payload, 0x4 | 0x1 | 0x20)}));
  EXPECT_EQ(fp.raw, "2:0|00|0|m,a,s,p");
}

TEST(Akamai, SettingsAcrossFramesInOrderSent) {
  const Fingerprint fp = akamai_of(concat({magic(), settings({{4, 1}, {1, 2}}), settings_ack(),
                                           settings({{9, 1}}), headers(1, hpack_block(kMasp))}));
  EXPECT_EQ(fp.raw, "4:1;1:2;9:1|00|0|m,a,s,p");
}

TEST(Akamai, NoRequestYet) {
  const Fingerprint fp = akamai_of(concat({magic(), settings({{2, 0}}), window_update(0, 5)}));
  EXPECT_EQ(fp.raw, "2:0|5|0|");
}

}  // namespace
}  // namespace fp::http
