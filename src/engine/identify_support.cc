#include "engine/identify_support.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/hash.h"
#include "core/utf8.h"
#include "identify/classifier.h"
#include "identify/classifier_model.h"
#include "identify/p0f_os.h"

namespace fp::engine {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using identify::FingerprintKind;

std::string string_at(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void read_http(const json::object& record, identify::Observation& o) {
  const json::value* http = record.if_contains("http");
  if (!http || !http->is_array() || http->as_array().empty()) return;
  const json::value& first = http->as_array().front();
  if (!first.is_object()) return;
  const json::object& h = first.as_object();
  o.of(FingerprintKind::kJa4h) = string_at(h, "ja4h");
  o.header_order = lower(string_at(h, "header_order"));
  o.user_agent = string_at(h, "user_agent");
}

// Boost.JSON writes doubles as "5E-1"; the identity is written by hand so people read "0.5".
// Confidences and qualities to three places: more would claim a precision they lack.
std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::round(x * 1000) / 1000);
  std::string out(buf);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string json_text(std::string_view s) {
  return json::serialize(json::string(to_valid_utf8(s)));
}

std::string text_or_null(const std::string& s) { return s.empty() ? "null" : json_text(s); }

std::string named_text(const identify::NamedGuess& g) {
  return "{\"name\":" + json_text(g.name) + ",\"confidence\":" + number(g.confidence) + "}";
}

std::string client_text(const std::optional<identify::ClientGuess>& c) {
  if (!c) return "null";
  return "{\"name\":" + json_text(c->name) + ",\"kind\":" + text_or_null(c->kind) +
         ",\"version\":" + text_or_null(c->version) + ",\"confidence\":" + number(c->confidence) +
         "}";
}

std::string os_text(const std::optional<identify::OsGuess>& os) {
  if (!os) return "null";
  return "{\"name\":" + json_text(os->name) + ",\"flavor\":" + text_or_null(os->flavor) +
         ",\"confidence\":" + number(os->confidence) + "}";
}

std::string consistency_text(const identify::Consistency& c) {
  std::string reasons;
  for (const std::string& r : c.reasons) reasons += (reasons.empty() ? "" : ",") + json_text(r);
  return "{\"score\":" + (c.score ? number(*c.score) : std::string("null")) + ",\"reasons\":[" +
         reasons + "]}";
}

bool read_file(const fs::path& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// The classifier and its IdentityModel view, which refers to it: one object, never moved.
class OwnedClassifierModel final : public identify::IdentityModel {
 public:
  explicit OwnedClassifierModel(identify::Classifier classifier)
      : classifier_(std::move(classifier)), model_(classifier_) {}
  OwnedClassifierModel(const OwnedClassifierModel&) = delete;
  OwnedClassifierModel& operator=(const OwnedClassifierModel&) = delete;

  [[nodiscard]] std::optional<identify::Identity> classify(
      const identify::Observation& observation) const override {
    return model_.classify(observation);
  }

 private:
  identify::Classifier classifier_;
  identify::ClassifierModel model_;
};

}  // namespace

std::string json_number(double x) { return number(x); }

std::unique_ptr<const identify::IdentityModel> load_model(const std::string& option,
                                                          std::string& warning) {
  const fs::path dir = data_dir(option, "models");
  identify::ModelFiles files;
  if (!read_file(dir / "client.json", files.client_model) ||
      !read_file(dir / "tls_library.json", files.tls_model) ||
      !read_file(dir / "metadata.json", files.metadata)) {
    if (!option.empty()) warning = "no model in " + dir.string() + "; identifying without one";
    return nullptr;
  }
  std::string error;
  std::optional<identify::Classifier> classifier = identify::Classifier::load(files, error);
  if (!classifier) {
    warning =
        "cannot load the model in " + dir.string() + ": " + error + "; identifying without one";
    return nullptr;
  }
  return std::make_unique<OwnedClassifierModel>(std::move(*classifier));
}

fs::path data_dir(const std::string& option, std::string_view name) {
  if (!option.empty()) return option;
  const fs::path relative = fs::path("data") / name;
  std::vector<fs::path> candidates = {relative, ".." / relative};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / relative);
  for (const fs::path& candidate : candidates) {
    if (fs::is_directory(candidate, ec)) return candidate;
  }
  return relative;
}

fs::path database_dir(const std::string& option) { return data_dir(option, "profiles"); }

std::vector<identify::Profile> load_profiles(const fs::path& dir, std::string& error) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".fpdb") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) error = "no .fpdb files in " + dir.string();
  std::vector<identify::Profile> all;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) error = "cannot read " + file.string();
    for (identify::Profile& p : identify::parse_profile_db(text).profiles) {
      all.push_back(std::move(p));
    }
  }
  return all;
}

std::optional<identify::P0fDatabase> load_p0f_database(const std::string& option,
                                                       std::string& warning) {
  const std::string path = option.empty() ? kDefaultP0fDatabase : option;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!option.empty()) warning = "cannot read " + path + "; OS from p0f left null";
    return std::nullopt;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  identify::P0fDatabase db = identify::parse_p0f_database(text);
  if (!db.errors.empty()) {
    warning = path + ":" + std::to_string(db.errors.front().line) + ": " +
              db.errors.front().message + " (" + std::to_string(db.errors.size()) +
              " bad lines skipped)";
  }
  return db;
}

identify::Observation observation_from_record(const json::object& record,
                                              const identify::P0fDatabase* p0f) {
  identify::Observation o;
  o.of(FingerprintKind::kJa4) = string_at(record, "ja4");
  // JA4_ro first (wire order, with signature algorithms), then JA3 for groups.
  if (!identify::parse_ja4_raw(string_at(record, "ja4_ro"), o)) {
    (void)identify::parse_ja4_raw(string_at(record, "ja4_r"), o);
  }
  o.ja4_r = string_at(record, "ja4_r");
  (void)identify::parse_ja3_raw(string_at(record, "ja3_full"), o);
  o.of(FingerprintKind::kJa3n) = string_at(record, "ja3n");
  o.of(FingerprintKind::kJa4t) = string_at(record, "ja4t");
  o.p0f_signature = string_at(record, "p0f_signature");
  if (p0f != nullptr) (void)identify::set_p0f_os(*p0f, o);
  if (const std::string akamai = string_at(record, "akamai_fingerprint"); !akamai.empty()) {
    identify::set_akamai(akamai, o);
  }
  read_http(record, o);
  return o;
}

identify::Observation observation_from_strings(const FingerprintStrings& s,
                                               const identify::P0fDatabase* p0f) {
  identify::Observation obs;
  if (!identify::parse_ja4_raw(s.ja4, obs)) obs.of(FingerprintKind::kJa4) = s.ja4;
  if (identify::parse_ja3_raw(s.ja3, obs)) {
    obs.of(FingerprintKind::kJa3n) = ja3n_of(s.ja3);
  } else {
    obs.of(FingerprintKind::kJa3n) = s.ja3;
  }
  obs.of(FingerprintKind::kJa4h) = s.ja4h;
  if (!s.akamai.empty()) identify::set_akamai(s.akamai, obs);
  obs.of(FingerprintKind::kJa4t) = s.ja4t;
  obs.user_agent = s.user_agent;
  obs.header_order = s.header_order;
  obs.p0f_signature = s.p0f_signature;
  if (p0f != nullptr) (void)identify::set_p0f_os(*p0f, obs);
  return obs;
}

std::string identity_json(const identify::Identity& id) {
  std::string alternatives;
  for (const identify::NamedGuess& g : id.alternatives) {
    alternatives += (alternatives.empty() ? "" : ",") + named_text(g);
  }
  const std::string_view by = identify::matched_by_name(id.matched_by);
  return "{\"client\":" + client_text(id.client) +
         ",\"tls_library\":" + (id.tls_library ? named_text(*id.tls_library) : "null") +
         ",\"os\":" + os_text(id.os) + ",\"matched_by\":" + (by.empty() ? "null" : json_text(by)) +
         ",\"alternatives\":[" + alternatives +
         "],\"consistency\":" + consistency_text(id.consistency) +
         ",\"profile\":" + text_or_null(id.profile) +
         ",\"quality\":" + (id.profile.empty() ? "null" : number(id.quality)) + "}";
}

std::string ja3n_of(const std::string& ja3) {
  std::vector<std::string> parts;
  std::stringstream in(ja3);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  if (parts.size() != 5 && !(parts.size() == 4 && ja3.back() == ',')) return "";
  parts.resize(5);
  std::vector<int> exts;
  std::stringstream ein(parts[2]);
  for (std::string e; std::getline(ein, e, '-');) exts.push_back(std::atoi(e.c_str()));
  std::sort(exts.begin(), exts.end());
  std::string sorted;
  for (int e : exts) sorted += (sorted.empty() ? "" : "-") + std::to_string(e);
  return md5_hex(parts[0] + "," + parts[1] + "," + sorted + "," + parts[3] + "," + parts[4]);
}

}  // namespace fp::engine
