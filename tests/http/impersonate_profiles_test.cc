// The lexiforest curl-impersonate browser signatures (testdata/profiles/.../signatures/*.yaml)
// list each browser's HTTP/2 SETTINGS, WINDOW_UPDATE and HEADERS frames. Each profile is built
// into wire frames here and the Akamai string those frames imply is written out directly from
// the YAML values, then compared with what our parser and fingerprint make of the bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "http/akamai.h"
#include "http/h2_builder.h"
#include "http/http2.h"

namespace fp::http {
namespace {

using namespace fp::http::test;  // NOLINT: test builders

struct ProfileFrame {
  std::string type;
  std::vector<std::pair<uint16_t, uint32_t>> settings;
  uint32_t stream = 0;
  uint32_t increment = 0;
  std::vector<std::string> headers;  // names
  std::vector<std::string> pseudo;
};

std::string after(const std::string& line, const std::string& key) {
  const size_t at = line.find(key);
  return at == std::string::npos ? "" : line.substr(at + key.size());
}

// A reader for just the shape these files have; not a YAML parser.
std::vector<ProfileFrame> read_http2_frames(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<ProfileFrame> frames;
  bool in_http2 = false, in_pseudo = false, in_headers = false;
  for (std::string line; std::getline(in, line);) {
    const size_t indent = line.find_first_not_of(' ');
    if (line == "  http2:") {
      in_http2 = true;
      continue;
    }
    if (!in_http2 || indent == std::string::npos) continue;
    if (indent <= 2) break;
    if (line.find("- frame_type: ") != std::string::npos) {
      frames.emplace_back().type = after(line, "- frame_type: ");
      in_pseudo = in_headers = false;
      continue;
    }
    if (frames.empty()) continue;
    ProfileFrame& f = frames.back();
    if (line.find("pseudo_headers:") != std::string::npos) {
      in_pseudo = true;
      in_headers = false;
      continue;
    }
    if (line.find(" headers:") != std::string::npos) {
      in_headers = true;
      continue;
    }
    if (auto k = after(line, "- key: "); !k.empty()) {
      f.settings.push_back({static_cast<uint16_t>(std::stoul(k)), 0});
    } else if (auto v = after(line, "  value: "); !v.empty() && !f.settings.empty()) {
      f.settings.back().second = static_cast<uint32_t>(std::stoul(v));
    } else if (auto s = after(line, "stream_id: "); !s.empty()) {
      f.stream = static_cast<uint32_t>(std::stoul(s));
    } else if (auto w = after(line, "window_size_increment: "); !w.empty()) {
      f.increment = static_cast<uint32_t>(std::stoul(w));
    } else if (in_pseudo && line.find("- :") != std::string::npos) {
      f.pseudo.push_back(after(line, "- "));
    } else if (in_headers && line.find("- '") != std::string::npos) {
      const std::string h = after(line, "- '");
      f.headers.push_back(h.substr(0, h.find(':', 1)));
    }
  }
  return frames;
}

Wire build(const std::vector<ProfileFrame>& frames) {
  Wire w = magic();
  bool first_settings = true;
  for (const ProfileFrame& f : frames) {
    Wire next;
    if (f.type == "SETTINGS") {
      // A later empty SETTINGS in these captures is the acknowledgement of the server's.
      next = (!first_settings && f.settings.empty()) ? settings_ack() : settings(f.settings);
      first_settings = false;
    } else if (f.type == "WINDOW_UPDATE") {
      next = window_update(f.stream, f.increment);
    } else if (f.type == "HEADERS") {
      std::vector<std::pair<std::string, std::string>> fields;
      for (const auto& p : f.pseudo) fields.push_back({p, p == ":path" ? "/" : "x"});
      for (const auto& h : f.headers) fields.push_back({h, "v"});
      next = headers(1, hpack_block(fields));
    }
    w.insert(w.end(), next.begin(), next.end());
  }
  return w;
}

std::string implied_akamai(const std::vector<ProfileFrame>& frames) {
  std::string settings_part, wu = "00", pseudo;
  for (const ProfileFrame& f : frames) {
    for (auto [id, value] : f.settings) {
      settings_part +=
          (settings_part.empty() ? "" : ";") + std::to_string(id) + ":" + std::to_string(value);
    }
    if (f.type == "WINDOW_UPDATE" && f.stream == 0 && wu == "00") wu = std::to_string(f.increment);
    if (f.type == "HEADERS" && pseudo.empty()) {
      for (const auto& p : f.pseudo) pseudo += (pseudo.empty() ? "" : ",") + p.substr(1, 1);
    }
  }
  return settings_part + "|" + wu + "|0|" + pseudo;
}

TEST(ImpersonateProfiles, AkamaiFromBuiltFrames) {
  const std::filesystem::path dir =
      std::string(FP_TESTDATA) + "/profiles/curl-impersonate/lexiforest/signatures";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    const auto frames = read_http2_frames(entry.path());
    const bool has_settings = std::any_of(frames.begin(), frames.end(),
                                          [](const auto& f) { return f.type == "SETTINGS"; });
    if (!has_settings) continue;  // profiles that list only HEADERS
    SCOPED_TRACE(entry.path().filename().string());
    const auto preface = parse_http2_preface(build(frames));
    ASSERT_TRUE(preface.ok()) << describe(preface.error());
    EXPECT_TRUE(preface->complete);
    EXPECT_EQ(akamai_fingerprint(*preface).raw, implied_akamai(frames));
    ++checked;
  }
  std::printf("[profiles] %d lexiforest profiles with SETTINGS checked\n", checked);
  EXPECT_EQ(checked, 29);  // `grep -l "frame_type: SETTINGS" *.yaml | wc -l`
}

}  // namespace
}  // namespace fp::http
