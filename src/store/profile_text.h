#pragma once
// How both backends store a profile: its database syntax (format_profile) as the stored form,
// plus a lower-cased search text. Shared so that SQLite and PostgreSQL refuse and find the same.

#include <optional>
#include <string>
#include <string_view>

#include "identify/profile.h"

namespace fp::store {

[[nodiscard]] std::string lower_ascii(std::string_view text);

// The fields text search looks in (id, name, label, user_agent, notes), lower-cased and
// separated by a character no field holds.
[[nodiscard]] std::string search_text(const identify::Profile& p);

// A stored text back to a profile; nullopt when it no longer reads as exactly one profile.
[[nodiscard]] std::optional<identify::Profile> parse_stored(const std::string& text);

// Why `p` cannot be stored, or "" when it can: what is stored must read back equal, so a value
// the database syntax cannot carry (a line break, a word outside the vocabulary) is refused
// rather than lost.
[[nodiscard]] std::string storable_problem(const identify::Profile& p);

}  // namespace fp::store
