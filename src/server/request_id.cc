#include "server/request_id.h"

#include <algorithm>
#include <cstdint>
#include <random>

namespace fp::server {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex(std::string& out, uint64_t value) {
  for (int shift = 60; shift >= 0; shift -= 4) out += kHexDigits[(value >> shift) & 0xf];
}

}  // namespace

std::string new_request_id() {
  // One seeding per thread: random_device may be a system call; the engine is then fast.
  thread_local std::mt19937_64 generator([] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }());
  std::string id;
  id.reserve(32);
  append_hex(id, generator());
  append_hex(id, generator());
  return id;
}

bool usable_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

}  // namespace fp::server
