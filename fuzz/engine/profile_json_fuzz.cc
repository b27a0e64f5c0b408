// The API's profile JSON reader on any text: never crashes, and a profile it accepts is written
// back to JSON that reads back to the same profile text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/profile_json.h"
#include "identify/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string field, error;
  auto profile = fp::engine::profile_from_json(text, "", field, error);
  if (!profile) return 0;
  const std::string again = fp::engine::profile_to_json(*profile);
  auto reread = fp::engine::profile_from_json(again, "", field, error);
  if (!reread) std::abort();
  if (fp::identify::format_profile(*reread) != fp::identify::format_profile(*profile)) std::abort();
  return 0;
}
