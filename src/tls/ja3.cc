#include "tls/ja3.h"

#include <algorithm>
#include <charconv>
#include <ranges>
#include <vector>

#include "core/hash.h"
#include "tls/grease.h"

namespace fp::tls {
namespace {

void append_decimal(std::string& out, unsigned value) {
  char buf[8];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, res.ptr);
}

// Decimal values joined by '-', GREASE removed (the JA3 README; TRAPS.md: every list). Written
// in place into room for the widest values (five digits and a '-') and then trimmed: appending
// value by value cost as much as the MD5.
template <typename Range>
void append_field(std::string& out, const Range& values, bool drop_grease) {
  size_t at = out.size();
  out.resize(at + 6 * std::ranges::size(values));
  char* const text = out.data();
  bool first = true;
  for (const auto v : values) {
    if (drop_grease && is_grease(v)) continue;
    if (!first) text[at++] = '-';
    const auto end = std::to_chars(text + at, text + out.size(), static_cast<unsigned>(v)).ptr;
    at = static_cast<size_t>(end - text);
    first = false;
  }
  out.resize(at);
}

// The extension types in wire order, read in place: JA3 is computed per hello, and a copy of the
// list would be its only allocation besides the two result strings.
template <typename Hello>
auto extension_types(const Hello& hello) {
  return hello.extensions | std::views::transform(&Extension::type);
}

// JA3 = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats. The version is
// the hello's legacy_version, as tshark 4.0 and ja3.py write it. An SSLv2-compatible hello has
// no extensions: its string is version, the cipher specs that map to TLS suites, and three
// empty fields (neither reference fingerprints SSLv2; this is our choice, tested).
template <typename Range>
Fingerprint ja3_from(const ClientHello& hello, const Range& ext_types) {
  std::string s;
  s.reserve(24 + 6 * (hello.cipher_suites.size() + ext_types.size() +
                      hello.supported_groups.size() + hello.ec_point_formats.size()));
  append_decimal(s, hello.legacy_version);
  s.push_back(',');
  append_field(s, hello.cipher_suites, true);
  s.push_back(',');
  append_field(s, ext_types, true);
  s.push_back(',');
  append_field(s, hello.supported_groups, true);
  s.push_back(',');
  append_field(s, hello.ec_point_formats, false);
  std::string hash = md5_hex(s);
  return {std::move(s), std::move(hash)};
}

}  // namespace

Fingerprint ja3(const ClientHello& hello) { return ja3_from(hello, extension_types(hello)); }

Fingerprint ja3n(const ClientHello& hello) {
  const auto wire = extension_types(hello);
  std::vector<uint16_t> types(wire.begin(), wire.end());
  std::sort(types.begin(), types.end());
  return ja3_from(hello, types);
}

// JA3S = SSLVersion,Cipher,Extensions.
Fingerprint ja3s(const ServerHello& hello) {
  std::string s;
  s.reserve(16 + 6 * hello.extensions.size());
  append_decimal(s, hello.legacy_version);
  s.push_back(',');
  append_decimal(s, hello.cipher_suite);
  s.push_back(',');
  append_field(s, extension_types(hello), true);
  std::string hash = md5_hex(s);
  return {std::move(s), std::move(hash)};
}

}  // namespace fp::tls
