// Any bytes as the body of a quic_transport_parameters extension: parse, then name, decode and
// fingerprint every parameter. Whatever parsed must fingerprint with its count in the prefix.
#include <cstddef>
#include <cstdint>
#include <string>

#include "quic/transport_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parsed = fp::quic::parse_transport_parameters(fp::Bytes(data, size));
  if (!parsed) return 0;
  for (const auto& p : parsed->parameters) {
    (void)fp::quic::transport_parameter_name(p.id);
    (void)fp::quic::numeric_value(p);
  }
  const fp::Fingerprint f = fp::quic::transport_parameters_fingerprint(*parsed);
  const size_t n = parsed->parameters.size() > 99 ? 99 : parsed->parameters.size();
  const std::string count = "q" + std::to_string(n / 10) + std::to_string(n % 10) + "_";
  if (f.raw.rfind(count, 0) != 0 || f.hash.rfind(count, 0) != 0) __builtin_trap();
  return 0;
}
