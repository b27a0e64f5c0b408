#include "tls/ja3.h"

#include <algorithm>
#include <charconv>
#include <span>

#include "core/hash.h"
#include "tls/grease.h"

namespace fp::tls {
namespace {

void append_decimal(std::string& out, unsigned value) {
  char buf[8];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, res.ptr);
}

// Decimal values joined by '-', GREASE removed (the JA3 README; TRAPS.md: every list).
template <typename T>
void append_field(std::string& out, std::span<const T> values, bool drop_grease) {
  bool first = true;
  for (T v : values) {
    if (drop_grease && is_grease(v)) continue;
    if (!first) out.push_back('-');
    append_decimal(out, v);
    first = false;
  }
}

std::vector<uint16_t> extension_types(const ClientHello& hello) {
  std::vector<uint16_t> types;
  types.reserve(hello.extensions.size());
  for (const Extension& e : hello.extensions) types.push_back(e.type);
  return types;
}

// JA3 = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats. The version is
// the hello's legacy_version, as tshark 4.0 and ja3.py write it. An SSLv2-compatible hello has
// no extensions: its string is version, the cipher specs that map to TLS suites, and three
// empty fields (neither reference fingerprints SSLv2; this is our choice, tested).
Fingerprint ja3_from(const ClientHello& hello, std::span<const uint16_t> ext_types) {
  std::string s;
  s.reserve(64 + 6 * (hello.cipher_suites.size() + ext_types.size()));
  append_decimal(s, hello.legacy_version);
  s.push_back(',');
  append_field<uint16_t>(s, hello.cipher_suites, true);
  s.push_back(',');
  append_field<uint16_t>(s, ext_types, true);
  s.push_back(',');
  append_field<uint16_t>(s, hello.supported_groups, true);
  s.push_back(',');
  append_field<uint8_t>(s, hello.ec_point_formats, false);
  std::string hash = md5_hex(s);
  return {std::move(s), std::move(hash)};
}

}  // namespace

Fingerprint ja3(const ClientHello& hello) { return ja3_from(hello, extension_types(hello)); }

Fingerprint ja3n(const ClientHello& hello) {
  std::vector<uint16_t> types = extension_types(hello);
  std::sort(types.begin(), types.end());
  return ja3_from(hello, types);
}

// JA3S = SSLVersion,Cipher,Extensions.
Fingerprint ja3s(const ServerHello& hello) {
  std::string s;
  s.reserve(48);
  append_decimal(s, hello.legacy_version);
  s.push_back(',');
  append_decimal(s, hello.cipher_suite);
  s.push_back(',');
  bool first = true;
  for (const Extension& e : hello.extensions) {
    if (is_grease(e.type)) continue;
    if (!first) s.push_back('-');
    append_decimal(s, e.type);
    first = false;
  }
  std::string hash = md5_hex(s);
  return {std::move(s), std::move(hash)};
}

}  // namespace fp::tls
