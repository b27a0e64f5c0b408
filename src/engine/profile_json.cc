#include "engine/profile_json.h"

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "core/json_writer.h"
#include "core/utf8.h"
#include "identify/profile_fields.h"

namespace fp::engine {
namespace {

namespace json = boost::json;
using identify::FingerprintKind;
using identify::Profile;

// How an error names a fingerprint kind: "not a well-formed JA4: ...".
constexpr std::array<std::string_view, identify::kFingerprintKinds> kKindNames = {
    "JA4", "JA3N", "JA4H", "Akamai", "JA4T", "JA4S", "JA4X", "JA4TScan"};

// ---- writing

void text_member(JsonWriter& w, std::string_view key, std::string_view text) {
  w.key(key);
  if (is_valid_utf8(text)) {
    w.string(text);
  } else {
    w.string(to_valid_utf8(text));
  }
}

void strings_member(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.key(key);
  w.begin_array();
  for (const std::string& item : items) {
    if (is_valid_utf8(item)) {
      w.string(item);
    } else {
      w.string(to_valid_utf8(item));
    }
  }
  w.end_array();
}

void numbers_member(JsonWriter& w, std::string_view key, const std::vector<uint16_t>& items) {
  w.key(key);
  w.begin_array();
  for (uint16_t item : items) w.number(item);
  w.end_array();
}

// ---- reading

// Reads one body into a profile, stopping at the first problem (field_, error_).
class Reader {
 public:
  bool read(const json::object& body, std::string_view id_from_path, Profile& p);

  std::string field_, error_;

 private:
  using Handler = bool (Reader::*)(std::string_view key, const json::value& value, Profile& p);
  struct Key {
    std::string_view name;
    Handler read;
  };
  static const std::array<Key, 18> kKeys;

  bool fail(std::string field, std::string error) {
    field_ = std::move(field);
    error_ = std::move(error);
    return false;
  }

  // A string (or null: ""), checked as the database syntax needs: no line breaks, no edge spaces.
  bool text(const std::string& field, const json::value& value, std::string& out);
  // An array (or null: empty) of at most kMaxProfileListItems.
  bool list(const std::string& field, const json::value& value, const json::array*& out);

  bool id(std::string_view key, const json::value& value, Profile& p);
  bool database_field(std::string_view key, const json::value& value, Profile& p);
  bool fingerprints(std::string_view key, const json::value& value, Profile& p);
  bool header_orders(std::string_view key, const json::value& value, Profile& p);
  bool code_points(std::string_view key, const json::value& value, Profile& p);
  bool ignored(std::string_view, const json::value&, Profile&) { return true; }

  bool fingerprint_list(FingerprintKind kind, const std::string& field, const json::value& value,
                        Profile& p);
};

const std::array<Reader::Key, 18> Reader::kKeys = {{
    {"id", &Reader::id},
    {"name", &Reader::database_field},
    {"kind", &Reader::database_field},
    {"version", &Reader::database_field},
    {"tls_library", &Reader::database_field},
    {"os", &Reader::database_field},
    {"os_flavor", &Reader::database_field},
    {"label", &Reader::database_field},
    {"source", &Reader::database_field},
    {"user_agent", &Reader::database_field},
    {"notes", &Reader::database_field},
    {"h2_settings", &Reader::database_field},
    {"fingerprints", &Reader::fingerprints},
    {"header_orders", &Reader::header_orders},
    {"ciphers", &Reader::code_points},
    {"extensions", &Reader::code_points},
    {"groups", &Reader::code_points},
    {"sig_algs", &Reader::code_points},
}};

bool Reader::text(const std::string& field, const json::value& value, std::string& out) {
  if (value.is_null()) {
    out.clear();
    return true;
  }
  if (!value.is_string()) return fail(field, "expected a string");
  const json::string& s = value.get_string();
  if (s.size() > kMaxProfileText) {
    return fail(field, "longer than " + std::to_string(kMaxProfileText) + " bytes");
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail(field, "must not contain control characters");
    }
  }
  if (!s.empty() && (s.front() == ' ' || s.back() == ' ')) {
    return fail(field, "must not start or end with a space");
  }
  out.assign(s.data(), s.size());
  return true;
}

bool Reader::list(const std::string& field, const json::value& value, const json::array*& out) {
  static const json::array kEmpty;
  if (value.is_null()) {
    out = &kEmpty;
    return true;
  }
  if (!value.is_array()) return fail(field, "expected an array");
  if (value.get_array().size() > kMaxProfileListItems) {
    return fail(field, "more than " + std::to_string(kMaxProfileListItems) + " items");
  }
  out = &value.get_array();
  return true;
}

bool Reader::id(std::string_view key, const json::value& value, Profile& p) {
  if (!text(std::string(key), value, p.id)) return false;
  if (!p.id.empty() && !identify::is_profile_id(p.id)) {
    return fail(std::string(key), "id must match [a-z0-9._-]+ (at most 128 characters)");
  }
  return true;
}

// A key the .fpdb syntax has too: its own setter checks the value (vocabulary, version ...).
bool Reader::database_field(std::string_view key, const json::value& value, Profile& p) {
  std::string word;
  if (!text(std::string(key), value, word)) return false;
  if (word.empty()) return true;
  const identify::fields::Field* field = identify::fields::find(key);
  if (std::string why = field->set(p, word); !why.empty()) {
    return fail(std::string(key), std::move(why));
  }
  return true;
}

bool Reader::fingerprint_list(FingerprintKind kind, const std::string& field,
                              const json::value& value, Profile& p) {
  const json::array* items = nullptr;
  if (!list(field, value, items)) return false;
  std::vector<std::string>& out = p.of(kind);
  out.clear();
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    std::string& fingerprint = out.emplace_back();
    if (!text(at, (*items)[i], fingerprint)) return false;
    const std::string_view why = identify::fingerprint_problem(kind, fingerprint);
    if (!why.empty()) {
      return fail(at, "not a well-formed " + std::string(kKindNames[static_cast<size_t>(kind)]) +
                          ": " + std::string(why));
    }
  }
  return true;
}

bool Reader::fingerprints(std::string_view key, const json::value& value, Profile& p) {
  if (value.is_null()) return true;
  if (!value.is_object()) return fail(std::string(key), "expected an object");
  for (const json::key_value_pair& member : value.get_object()) {
    const std::string field = std::string(key) + "." + std::string(member.key());
    const std::optional<FingerprintKind> kind = identify::fingerprint_kind(member.key());
    if (!kind) return fail(field, "unknown key");
    if (!fingerprint_list(*kind, field, member.value(), p)) return false;
  }
  return true;
}

bool Reader::header_orders(std::string_view key, const json::value& value, Profile& p) {
  const json::array* items = nullptr;
  if (!list(std::string(key), value, items)) return false;
  const identify::fields::Field* setter = identify::fields::find("header_order");
  p.header_orders.clear();
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
    std::string order;
    if (!text(at, (*items)[i], order)) return false;
    if (std::string why = setter->set(p, order); !why.empty()) return fail(at, std::move(why));
  }
  return true;
}

bool Reader::code_points(std::string_view key, const json::value& value, Profile& p) {
  const json::array* items = nullptr;
  if (!list(std::string(key), value, items)) return false;
  std::vector<uint16_t>& out = key == "ciphers"      ? p.ciphers
                               : key == "extensions" ? p.extensions
                               : key == "groups"     ? p.groups
                                                     : p.sig_algs;
  out.clear();
  for (size_t i = 0; i < items->size(); ++i) {
    const json::value& item = (*items)[i];
    const bool in_range =
        (item.is_int64() && item.get_int64() >= 0 && item.get_int64() <= 0xffff) ||
        (item.is_uint64() && item.get_uint64() <= 0xffff);
    if (!in_range) {
      return fail(std::string(key) + "[" + std::to_string(i) + "]",
                  "expected an integer from 0 to 65535");
    }
    out.push_back(static_cast<uint16_t>(item.is_int64() ? item.get_int64() : item.get_uint64()));
  }
  return true;
}

bool Reader::read(const json::object& body, std::string_view id_from_path, Profile& p) {
  for (const json::key_value_pair& member : body) {
    if (member.key() == "updated") continue;  // the store's, shown on GET; ignored on the way in
    const Key* found = nullptr;
    for (const Key& k : kKeys) {
      if (k.name == member.key()) found = &k;
    }
    if (found == nullptr) return fail(std::string(member.key()), "unknown key");
    if (!(this->*found->read)(found->name, member.value(), p)) return false;
  }
  if (!id_from_path.empty()) {
    if (!identify::is_profile_id(id_from_path)) {
      return fail("id", "id must match [a-z0-9._-]+ (at most 128 characters)");
    }
    if (!p.id.empty() && p.id != id_from_path)
      return fail("id", "does not match the id in the path");
    p.id = id_from_path;
  }
  if (p.id.empty()) return fail("id", "a profile needs an id");
  if (p.name.empty() && p.os.empty() && p.label.empty()) {
    return fail("name", "a profile needs a name, an os or a label");
  }
  return true;
}

}  // namespace

std::string rfc3339_utc(int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds{unix_ms}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  char text[40];
  std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

std::string profile_to_json(const Profile& p, int64_t updated_ms) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  text_member(w, "id", p.id);
  text_member(w, "name", p.name);
  text_member(w, "kind", p.kind);
  text_member(w, "version", p.version);
  text_member(w, "tls_library", p.tls_library);
  text_member(w, "os", p.os);
  text_member(w, "os_flavor", p.os_flavor);
  text_member(w, "label", p.label);
  text_member(w, "source", p.source);
  text_member(w, "user_agent", p.user_agent);
  text_member(w, "notes", p.notes);
  w.key("fingerprints");
  w.begin_object();
  for (size_t k = 0; k < identify::kFingerprintKinds; ++k) {
    strings_member(w, identify::key_of(FingerprintKind(k)), p.fingerprints[k]);
  }
  w.end_object();
  strings_member(w, "header_orders", p.header_orders);
  numbers_member(w, "ciphers", p.ciphers);
  numbers_member(w, "extensions", p.extensions);
  numbers_member(w, "groups", p.groups);
  numbers_member(w, "sig_algs", p.sig_algs);
  text_member(w, "h2_settings", p.h2_settings);
  if (updated_ms > 0) text_member(w, "updated", rfc3339_utc(updated_ms));
  w.end_object();
  return out;
}

std::optional<Profile> profile_from_json(std::string_view text, std::string_view id_from_path,
                                         std::string& field, std::string& error) {
  json::parse_options options;
  options.max_depth = kMaxProfileJsonDepth;
  json::error_code ec;
  const json::value body =
      json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec) {
    field.clear();
    error = "not valid JSON: " + ec.message();
    return std::nullopt;
  }
  if (!body.is_object()) {
    field.clear();
    error = "expected a JSON object";
    return std::nullopt;
  }
  Reader reader;
  Profile profile;
  if (!reader.read(body.get_object(), id_from_path, profile)) {
    field = std::move(reader.field_);
    error = std::move(reader.error_);
    return std::nullopt;
  }
  return profile;
}

}  // namespace fp::engine
