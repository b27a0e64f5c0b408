#include "tls/ja3.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <iterator>
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

// Decimal values joined by '-', GREASE removed (the JA3 README; TRAPS.md: every list), each value
// `project(item)`. Written in place into room for the widest values (five digits and a '-') and
// then trimmed: appending value by value cost as much as the MD5.
template <typename Range, typename Project = std::identity>
void append_field(std::string& out, const Range& items, bool drop_grease, Project project = {}) {
  size_t at = out.size();
  out.resize(at + 6 * std::size(items));
  char* const text = out.data();
  bool first = true;
  for (const auto& item : items) {
    const unsigned v = std::invoke(project, item);
    if (drop_grease && is_grease(static_cast<uint16_t>(v))) continue;
    if (!first) text[at++] = '-';
    at = static_cast<size_t>(std::to_chars(text + at, text + out.size(), v).ptr - text);
    first = false;
  }
  out.resize(at);
}

// JA3 = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats. The version is
// the hello's legacy_version, as tshark 4.0 and ja3.py write it. An SSLv2-compatible hello has
// no extensions: its string is version, the cipher specs that map to TLS suites, and three
// empty fields (neither reference fingerprints SSLv2; this is our choice, tested).
// The extension types are `ext_type(e)` for each e of `exts`: JA3 reads them in place from the
// hello, JA3N from a sorted copy.
template <typename Range, typename Project>
Fingerprint ja3_from(const ClientHello& hello, const Range& exts, Project ext_type) {
  std::string s;
  s.reserve(24 + 6 * (hello.cipher_suites.size() + exts.size() + hello.supported_groups.size() +
                      hello.ec_point_formats.size()));
  append_decimal(s, hello.legacy_version);
  s.push_back(',');
  append_field(s, hello.cipher_suites, true);
  s.push_back(',');
  append_field(s, exts, true, ext_type);
  s.push_back(',');
  append_field(s, hello.supported_groups, true);
  s.push_back(',');
  append_field(s, hello.ec_point_formats, false);
  std::string hash = md5_hex(s);
  return {std::move(s), std::move(hash)};
}

}  // namespace

Fingerprint ja3(const ClientHello& hello) {
  return ja3_from(hello, hello.extensions, &Extension::type);
}

Fingerprint ja3n(const ClientHello& hello) {
  std::vector<uint16_t> types;
  types.reserve(hello.extensions.size());
  for (const Extension& e : hello.extensions) types.push_back(e.type);
  std::sort(types.begin(), types.end());
  return ja3_from(hello, types, std::identity{});
}

// JA3S = SSLVersion,Cipher,Extensions.
Fingerprint ja3s(const ServerHello& hello) {
  std::string s;
  s.reserve(16 + 6 * hello.extensions.size());
  append_decimal(s, hello.legacy_version);
  s.push_back(',');
  append_decimal(s, hello.cipher_suite);
  s.push_back(',');
  append_field(s, hello.extensions, true, &Extension::type);
  std::string hash = md5_hex(s);
  return {std::move(s), std::move(hash)};
}

}  // namespace fp::tls
