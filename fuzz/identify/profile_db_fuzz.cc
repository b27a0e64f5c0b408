// parse_profile_db on any text: never crashes, and what it reads formats and reads back clean.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "identify/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const fp::identify::ProfileDb db = fp::identify::parse_profile_db(text);
  const std::string again = fp::identify::format_profile_db(db.profiles, "fuzz");
  const fp::identify::ProfileDb reread = fp::identify::parse_profile_db(again);
  // Every accepted profile must print in syntax the parser accepts whole.
  if (!reread.errors.empty() || reread.profiles.size() != db.profiles.size()) std::abort();
  return 0;
}
