#pragma once
// A fingerprint is always its canonical pre-hash string and its hash, side by side (STYLE.md 11).

#include <string>

namespace fp {

struct Fingerprint {
  std::string raw;   // the canonical string before hashing
  std::string hash;  // what users compare: MD5 for JA3, truncated SHA-256 for JA4 and so on

  bool operator==(const Fingerprint&) const = default;
};

}  // namespace fp
