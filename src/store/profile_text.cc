#include "store/profile_text.h"

namespace fp::store {

using identify::Profile;

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string search_text(const Profile& p) {
  std::string text;
  for (const std::string* field : {&p.id, &p.name, &p.label, &p.user_agent, &p.notes}) {
    text += lower_ascii(*field);
    text += '\x1f';
  }
  return text;
}

std::optional<Profile> parse_stored(const std::string& text) {
  identify::ProfileDb db = identify::parse_profile_db("format = 1\n" + text);
  if (!db.errors.empty() || db.profiles.size() != 1) return std::nullopt;
  db.profiles[0].line = 0;
  return std::move(db.profiles[0]);
}

std::string storable_problem(const Profile& p) {
  if (!identify::is_profile_id(p.id)) return "id must match [a-z0-9._-]+ (at most 128)";
  if (p.name.empty() && p.os.empty() && p.label.empty()) {
    return "a profile needs a name, an os or a label";
  }
  const std::string text = identify::format_profile(p);
  const identify::ProfileDb db = identify::parse_profile_db("format = 1\n" + text);
  if (!db.errors.empty()) {
    return "does not read back from the database syntax: line " +
           std::to_string(db.errors[0].line - 1) + ": " + db.errors[0].message;
  }
  if (db.profiles.size() != 1 || identify::format_profile(db.profiles[0]) != text) {
    return "does not read back equal from the database syntax";
  }
  return {};
}

}  // namespace fp::store
