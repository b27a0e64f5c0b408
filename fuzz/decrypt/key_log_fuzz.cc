// Any bytes as an NSS key log: every line is counted once, as read, skipped or bad, and a
// lookup of any 32 bytes never fails.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decrypt/key_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fp::decrypt::KeyLog log;
  const auto stats = log.add_text(std::string_view(reinterpret_cast<const char*>(data), size));
  if (stats.accepted + stats.skipped + stats.bad != stats.lines) __builtin_trap();
  if (log.size() > stats.accepted) __builtin_trap();
  if (size >= 32) (void)log.find(fp::Bytes(data, 32));
  return 0;
}
