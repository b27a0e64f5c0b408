// parse_profile_db: a line-by-line reader in the manner of p0f's fp file loader, except that a
// bad line is reported and skipped instead of ending the program.
#include <map>
#include <set>

#include "identify/profile.h"
#include "identify/profile_fields.h"

namespace fp::identify {
namespace {

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

class Reader {
 public:
  ProfileDb finish() && {
    close_section();
    return std::move(db_);
  }

  void line(size_t number, std::string_view text) {
    line_ = number;
    text = trim(text);
    if (text.empty() || text.front() == '#') return;
    if (text.front() == '[') return section(text);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) return error("expected `key = value` or `[id]`");
    key_value(trim(text.substr(0, eq)), trim(text.substr(eq + 1)));
  }

 private:
  void error(std::string message) { db_.errors.push_back({line_, std::move(message)}); }

  void section(std::string_view text) {
    close_section();
    skipping_ = true;  // until the header proves good, the section's lines are not reported
    if (text.back() != ']') return error("a section header is `[id]`");
    const std::string_view id = trim(text.substr(1, text.size() - 2));
    if (!is_profile_id(id))
      return error("bad profile id '" + std::string(id) + "': use a-z 0-9 . _ -");
    if (!format_seen_) {
      error("missing `format = 1` before the first profile");
      format_seen_ = true;  // said once; the profiles are still read
    }
    if (const auto it = ids_.find(std::string(id)); it != ids_.end()) {
      return error("duplicate profile id '" + std::string(id) + "' (first at line " +
                   std::to_string(it->second) + "); this section is skipped");
    }
    ids_.emplace(id, line_);
    current_.emplace();
    current_->id = id;
    current_->line = line_;
    seen_.clear();
    skipping_ = false;
  }

  // An unknown key, a repeated single key or a bad value skips the line; the profile stays.
  void key_value(std::string_view key, std::string_view value) {
    if (key == "format") return format(value);
    const fields::Field* field = fields::find(key);
    if (field == nullptr) return error("unknown key '" + std::string(key) + "'");
    if (value.empty()) return error("empty value for '" + std::string(key) + "'");
    if (!current_) {
      // The lines of a section already reported (duplicate or bad id) are not reported again.
      if (!skipping_) error("`" + std::string(key) + "` outside a [profile] section");
      return;
    }
    if (!field->repeats && !seen_.insert(field->key).second) {
      return error("'" + std::string(key) + "' given twice in this profile");
    }
    if (std::string why = field->set(*current_, value); !why.empty()) return error(std::move(why));
  }

  void format(std::string_view value) {
    if (format_seen_ || current_) return error("`format` must come once, before any profile");
    format_seen_ = true;
    if (value != std::to_string(kProfileFormat)) {
      error("unsupported format '" + std::string(value) + "' (this build reads " +
            std::to_string(kProfileFormat) + "); read as format " + std::to_string(kProfileFormat));
    }
  }

  // A profile nobody could ever be told apart by is an error in the file, not a record.
  void close_section() {
    if (!current_) return;
    Profile& p = *current_;
    if (p.name.empty() && p.os.empty() && p.label.empty()) {
      db_.errors.push_back({p.line, "profile '" + p.id + "' has no name, os or label; skipped"});
    } else {
      db_.profiles.push_back(std::move(p));
    }
    current_.reset();
  }

  ProfileDb db_;
  std::optional<Profile> current_;
  std::set<std::string_view> seen_;    // single-valued keys given in the current section
  std::map<std::string, size_t> ids_;  // id -> line of its first section
  size_t line_ = 0;
  bool format_seen_ = false;
  bool skipping_ = false;
};

}  // namespace

ProfileDb parse_profile_db(std::string_view text) {
  Reader reader;
  size_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    reader.line(++number, text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return std::move(reader).finish();
}

}  // namespace fp::identify
