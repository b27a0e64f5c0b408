// Golden test: our p0f matching against what the real p0f 3.09b reported for the same packets
// with the same database (tests/identify/vectors/, made by scripts/extract-p0f-matches.sh).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/hex.h"
#include "http/http1.h"
#include "identify/p0f_match.h"

namespace fp::identify {
namespace {

const std::string kDir = std::string(FP_SOURCE_DIR) + "/tests/identify/vectors/";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Columns: source frame kind syn_mss field label params dist link raw_sig hex
struct Vector {
  std::string source, frame, kind, field, label, params, dist, link, raw_sig, hex;
  uint16_t syn_mss = 0;
  std::string where() const { return source + " frame " + frame + " " + kind; }
};

std::vector<Vector> load() {
  std::vector<Vector> out;
  std::ifstream in(kDir + "p0f_matches.tsv");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> c;
    std::stringstream fields(line);
    for (std::string f; std::getline(fields, f, '\t');) c.push_back(f);
    if (c.size() != 11) continue;
    Vector v{c[0], c[1], c[2], c[4], c[5], c[6], c[7], c[8], c[9], c[10]};
    v.syn_mss = static_cast<uint16_t>(std::stoi(c[3]));
    out.push_back(std::move(v));
  }
  return out;
}

const P0fDatabase& database() {
  static const P0fDatabase db = parse_p0f_database(slurp(kDir + "p0f_debian.fp"));
  return db;
}

TEST(P0fVectors, DatabaseParsesCleanly) {
  const auto& db = database();
  EXPECT_TRUE(db.errors.empty()) << db.errors.front().line << ": " << db.errors.front().message;
  EXPECT_EQ(db.tcp_request.size() + db.tcp_response.size() + db.http_request.size() +
                db.http_response.size() + db.mtu.size(),
            322u);  // p0f: "Loaded 322 signatures"
}

void check_tcp(const Vector& v, int& agree) {
  auto bytes = hex_decode(v.hex);
  ASSERT_TRUE(bytes) << v.where();
  auto packet = tcp::parse_ip_packet(*bytes);
  ASSERT_TRUE(packet) << v.where();
  auto sig = tcp::p0f_signature(*packet, v.syn_mss);
  ASSERT_EQ(sig.raw, v.raw_sig) << v.where();
  auto obs = p0f_observe_tcp(*packet, sig);
  ASSERT_TRUE(obs) << v.where();
  P0fMatch m = p0f_match_tcp(database(), *obs);
  std::string params = m.generic ? "generic" : "";
  if (m.fuzzy) params += params.empty() ? "fuzzy" : " fuzzy";
  auto link = p0f_match_mtu(database(), obs->mss, obs->ip_version);
  std::string link_text = !link ? "-" : link->link.empty() ? "???" : link->link;
  EXPECT_EQ(m.display(), v.label) << v.where() << " " << v.raw_sig;
  EXPECT_EQ(std::to_string(m.distance), v.dist) << v.where();
  EXPECT_EQ(link_text, v.link) << v.where();
  EXPECT_EQ(m.matched && m.label.is_app() ? "app" : "os", v.field) << v.where();
  EXPECT_EQ(params.empty() ? "none" : params, v.params) << v.where();
  agree += m.display() == v.label && std::to_string(m.distance) == v.dist && link_text == v.link;
}

void check_http(const Vector& v, int& agree) {
  auto bytes = hex_decode(v.hex);
  ASSERT_TRUE(bytes) << v.where();
  auto parsed = http::parse_http1_request(*bytes);
  ASSERT_EQ(parsed.status, http::ParseStatus::kDone) << v.where();
  auto obs = p0f_observe_http(parsed.request);
  ASSERT_TRUE(obs) << v.where();
  P0fMatch m = p0f_match_http(database(), *obs);
  EXPECT_EQ(m.display(), v.label) << v.where() << " " << v.raw_sig;
  EXPECT_EQ(m.dishonest, v.params.find("dishonest") != std::string::npos) << v.where();
  agree += m.display() == v.label;
}

TEST(P0fVectors, EveryVectorAgreesWithRealP0f) {
  auto vectors = load();
  ASSERT_GE(vectors.size(), 150u);
  int tcp = 0, tcp_agree = 0, http = 0, http_agree = 0, matched = 0;
  for (const auto& v : vectors) {
    if (v.kind == "http") {
      ++http;
      check_http(v, http_agree);
    } else {
      ++tcp;
      check_tcp(v, tcp_agree);
    }
    matched += v.label != "???";
  }
  std::cout << "p0f vectors: TCP " << tcp_agree << "/" << tcp << ", HTTP " << http_agree << "/"
            << http << " agree; " << matched << " with a p0f match\n";
  EXPECT_EQ(tcp_agree, tcp);
  EXPECT_EQ(http_agree, http);
}

// The same matching from the raw_sig text alone (what analyze records carry): for every SYN and
// SYN+ACK the label, distance and flags equal those matched from the packet, and p0f's.
TEST(P0fVectors, RawSignatureMatchesLikeThePacket) {
  int syn = 0, syn_agree = 0, synack = 0, synack_agree = 0;
  for (const auto& v : load()) {
    if (v.kind == "http") continue;
    const bool syn_ack = v.kind == "synack";
    const auto bytes = hex_decode(v.hex);
    ASSERT_TRUE(bytes) << v.where();
    auto packet = tcp::parse_ip_packet(*bytes);
    ASSERT_TRUE(packet) << v.where();
    auto from_packet = p0f_observe_tcp(*packet, tcp::p0f_signature(*packet, v.syn_mss));
    auto from_text = p0f_observe_raw_sig(v.raw_sig, syn_ack);
    ASSERT_TRUE(from_packet && from_text) << v.where() << " " << v.raw_sig;
    const P0fMatch a = p0f_match_tcp(database(), *from_packet);
    const P0fMatch b = p0f_match_tcp(database(), *from_text);
    const bool same = a.display() == b.display() && a.distance == b.distance &&
                      a.generic == b.generic && a.fuzzy == b.fuzzy && b.display() == v.label &&
                      std::to_string(b.distance) == v.dist;
    EXPECT_TRUE(same) << v.where() << " " << v.raw_sig << ": " << b.display() << " vs "
                      << a.display();
    (syn_ack ? synack : syn) += 1;
    (syn_ack ? synack_agree : syn_agree) += same;
  }
  std::cout << "p0f raw_sig matching: SYN " << syn_agree << "/" << syn << ", SYN+ACK "
            << synack_agree << "/" << synack << " agree with the packet and p0f\n";
  EXPECT_GE(syn, 90);
}

}  // namespace
}  // namespace fp::identify
