// A rollout body (PUT /api/v1/models/rollout, and the setting replicas read back): parsing
// arbitrary bytes never crashes; whatever parses prints back to an equal rollout and picks an
// arm inside it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/model_rollout.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto rollout = fp::server::parse_rollout(text, error);
  if (!rollout) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  const auto again = fp::server::parse_rollout(fp::server::rollout_json(*rollout), error);
  if (!again || !(*again == *rollout)) std::abort();
  if (fp::server::pick_arm(*rollout, text) >= rollout->arms.size()) std::abort();
  return 0;
}
