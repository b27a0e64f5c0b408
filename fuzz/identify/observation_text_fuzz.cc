// The observation's text parsers (JA4_r / JA4_ro, JA3, Akamai) and similarity on any text: never
// crash, and an accepted JA4 raw string always gives a well-formed JA4.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "identify/consistency.h"
#include "identify/observation.h"
#include "identify/similarity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fp::identify::Observation a, b;
  if (fp::identify::parse_ja4_raw(text, a) && fp::identify::ja4_from_raw(text).size() != 36) {
    std::abort();
  }
  (void)fp::identify::parse_ja3_raw(text, b);
  fp::identify::set_akamai(text, b);
  b.header_order = std::string(text);
  b.user_agent = std::string(text);
  const fp::identify::Similarity s = fp::identify::compare(a, b);
  if (s.quality < 0 || s.quality > 1) std::abort();
  (void)fp::identify::check_consistency(b, "openssl");
  return 0;
}
