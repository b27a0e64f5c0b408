// Any bytes as the start of a client's HTTP/3 control stream: parse its SETTINGS frame and
// fingerprint what parsed. The raw form names each setting, so it is empty only when none were.
#include <cstddef>
#include <cstdint>

#include "quic/http3_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parsed = fp::quic::parse_control_stream_settings(fp::Bytes(data, size));
  if (!parsed) return 0;
  const fp::Fingerprint f = fp::quic::http3_settings_fingerprint(*parsed);
  if (f.raw.empty() != parsed->settings.empty()) __builtin_trap();
  return 0;
}
