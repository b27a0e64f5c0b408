#include "tls/grease.h"

namespace fp::tls {

std::vector<uint16_t> without_grease(std::span<const uint16_t> values) {
  std::vector<uint16_t> out;
  out.reserve(values.size());
  for (uint16_t v : values) {
    if (!is_grease(v)) out.push_back(v);
  }
  return out;
}

}  // namespace fp::tls
