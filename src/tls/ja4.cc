#include "tls/ja4.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <vector>

#include "core/hash.h"
#include "tls/grease.h"
#include "tls/ja4_rules.h"

namespace fp::tls {
namespace {

// Extensions whose presence depends on resumption or on the hello's size, not on the client:
// session_ticket, pre_shared_key, early_data, padding (TRAPS.md; huginn's JA4_s1).
constexpr std::array<uint16_t, 4> kUnstableExtensions{ext::kSessionTicket, ext::kPreSharedKey,
                                                      ext::kEarlyData, ext::kPadding};

bool unstable(uint16_t type) noexcept {
  return std::find(kUnstableExtensions.begin(), kUnstableExtensions.end(), type) !=
         kUnstableExtensions.end();
}

// A list of code points built per hello. A browser's hello carries under 64 ciphers and under
// 64 extensions, so the values live on the stack and JA4 allocates only its four result
// strings; a larger hello (legal, odd or hostile) spills to the heap.
class CodeList {
 public:
  explicit CodeList(size_t capacity) {
    if (capacity > inline_.size()) heap_.resize(capacity);
  }

  void push_back(uint16_t v) { data()[size_++] = v; }
  [[nodiscard]] std::span<uint16_t> values() { return {data(), size_}; }
  [[nodiscard]] std::span<const uint16_t> values() const {
    return {heap_.empty() ? inline_.data() : heap_.data(), size_};
  }

 private:
  uint16_t* data() { return heap_.empty() ? inline_.data() : heap_.data(); }

  std::array<uint16_t, 64> inline_{};
  std::vector<uint16_t> heap_;
  size_t size_ = 0;
};

// The GREASE-free lists every JA4 form is written from.
struct Lists {
  CodeList ciphers;     // wire order
  CodeList extensions;  // wire order, SNI and ALPN included
  CodeList sigalgs;     // wire order
};

Lists collect(const ClientHello& hello, bool drop_unstable) {
  Lists l{CodeList(hello.cipher_suites.size()), CodeList(hello.extensions.size()),
          CodeList(hello.signature_algorithms.size())};
  for (uint16_t c : hello.cipher_suites) {
    if (!is_grease(c)) l.ciphers.push_back(c);
  }
  for (const Extension& e : hello.extensions) {
    if (!is_grease(e.type) && !(drop_unstable && unstable(e.type))) l.extensions.push_back(e.type);
  }
  for (uint16_t s : hello.signature_algorithms) {
    if (!is_grease(s)) l.sigalgs.push_back(s);
  }
  return l;
}

// JA4_a: transport, version, SNI d/i, cipher count, extension count, ALPN (JA4.md "Details").
std::string part_a(const ClientHello& hello, const Lists& l, TlsTransport transport) {
  std::string a;
  a.reserve(10);
  a.push_back(static_cast<char>(transport));
  a.append(version_code(ja4_version(hello)));
  a.push_back(hello.has_extension(ext::kServerName) ? 'd' : 'i');
  a.append(count2(l.ciphers.values().size()));
  a.append(count2(l.extensions.values().size()));
  a.append(alpn_code(hello.alpn.empty() ? std::string_view() : std::string_view(hello.alpn[0])));
  return a;
}

// "00" to "ff", so a code point is written as two 2-byte copies rather than four digit lookups.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (size_t i = 0; i < 256; ++i) {
    pairs[2 * i] = kDigits[i >> 4];
    pairs[2 * i + 1] = kDigits[i & 0xf];
  }
  return pairs;
}();

// Comma-joined four-digit hex (JA4.md "Cipher hash"). The lists are most of a JA4_r string;
// writing them in place costs a fraction of appending value by value (docs/performance.md).
void append_hex_list(std::string& out, std::span<const uint16_t> values) {
  if (values.empty()) return;
  const size_t at = out.size();
  out.resize(at + 5 * values.size() - 1, ',');
  char* text = out.data() + at;  // a local pointer: stores through out[] reload out's buffer
  for (uint16_t v : values) {
    std::memcpy(text, &kHexPairs[2 * (v >> 8)], 2);
    std::memcpy(text + 2, &kHexPairs[2 * (v & 0xff)], 2);
    text += 5;  // the digits and the comma
  }
}

// The raw form `a_ciphers_extensions[_sigalgs]`, written in one string, with the views of its
// cipher and extension parts that the hashed form hashes (no intermediate strings: the issue
// asks for parse + JA3 + JA4 in 2 us). JA4.md "Extension hash": with no signature algorithms the
// string ends without the underscore.
struct Raw {
  std::string text;
  size_t ciphers_at = 0, ciphers_len = 0, c_at = 0;

  std::string_view ciphers() const {
    return std::string_view(text).substr(ciphers_at, ciphers_len);
  }
  std::string_view c() const { return std::string_view(text).substr(c_at); }
};

Raw write_raw(const std::string& a, std::span<const uint16_t> ciphers,
              std::span<const uint16_t> exts, std::span<const uint16_t> sigalgs) {
  Raw r;
  r.text.reserve(a.size() + 3 + 5 * (ciphers.size() + exts.size() + sigalgs.size()));
  r.text.append(a).push_back('_');
  r.ciphers_at = r.text.size();
  append_hex_list(r.text, ciphers);
  r.ciphers_len = r.text.size() - r.ciphers_at;
  r.text.push_back('_');
  r.c_at = r.text.size();
  append_hex_list(r.text, exts);
  if (!sigalgs.empty()) {
    r.text.push_back('_');
    append_hex_list(r.text, sigalgs);
  }
  return r;
}

// JA4.md: when the sorted extension list (SNI and ALPN removed) is empty, JA4_c is
// 000000000000, not a hash. The FoxIO Python reference applies that test to JA4_o too: a hello
// whose only extension is SNI has JA4_ro `..._0000` and JA4_o `..._000000000000`
// (expected/python/https3-301-get.pcap.json), so `sorted_exts` decides for both forms.
std::string hashed(const std::string& a, const Raw& raw, std::span<const uint16_t> sorted_exts) {
  std::string out;
  out.reserve(a.size() + 26);
  out.append(a).push_back('_');
  out.append(sha256_hex12(raw.ciphers())).push_back('_');
  out.append(sorted_exts.empty() ? std::string("000000000000") : sha256_hex12(raw.c()));
  return out;
}

struct Sorted {
  CodeList ciphers, extensions;  // extensions without SNI and ALPN
};

Sorted sorted_lists(const Lists& l) {
  Sorted s{l.ciphers, CodeList(l.extensions.values().size())};
  std::sort(s.ciphers.values().begin(), s.ciphers.values().end());
  for (uint16_t e : l.extensions.values()) {
    if (e != ext::kServerName && e != ext::kAlpn) s.extensions.push_back(e);
  }
  std::sort(s.extensions.values().begin(), s.extensions.values().end());
  return s;
}

}  // namespace

Ja4 ja4(const ClientHello& hello, TlsTransport transport) {
  const Lists l = collect(hello, false);
  const Sorted s = sorted_lists(l);
  const std::string a = part_a(hello, l, transport);
  Ja4 out;
  Raw sorted = write_raw(a, s.ciphers.values(), s.extensions.values(), l.sigalgs.values());
  Raw wire = write_raw(a, l.ciphers.values(), l.extensions.values(), l.sigalgs.values());
  out.ja4 = hashed(a, sorted, s.extensions.values());
  out.ja4_o = hashed(a, wire, s.extensions.values());
  out.ja4_r = std::move(sorted.text);
  out.ja4_ro = std::move(wire.text);
  return out;
}

std::string ja4_canonical(const ClientHello& hello, TlsTransport transport) {
  const Lists l = collect(hello, false);
  const Sorted s = sorted_lists(l);
  const std::string a = part_a(hello, l, transport);
  const Raw sorted = write_raw(a, s.ciphers.values(), s.extensions.values(), l.sigalgs.values());
  return hashed(a, sorted, s.extensions.values());
}

Fingerprint ja4_stable(const ClientHello& hello, TlsTransport transport) {
  const Lists l = collect(hello, true);
  const Sorted s = sorted_lists(l);
  const std::string a = part_a(hello, l, transport);
  Raw sorted = write_raw(a, s.ciphers.values(), s.extensions.values(), l.sigalgs.values());
  std::string hash = hashed(a, sorted, s.extensions.values());
  return {std::move(sorted.text), std::move(hash)};
}

// JA4S (FoxIO, spec image JA4S.png): transport, selected version, extension count, chosen ALPN;
// the cipher in hex; the extensions in wire order, hashed.
Ja4s ja4s(const ServerHello& hello, TlsTransport transport) {
  std::vector<uint16_t> exts;
  exts.reserve(hello.extensions.size());
  for (const Extension& e : hello.extensions) {
    if (!is_grease(e.type)) exts.push_back(e.type);
  }
  std::string a;
  a.push_back(static_cast<char>(transport));
  a.append(version_code(hello.selected_version.value_or(hello.legacy_version)));
  a.append(count2(exts.size()));
  a.append(alpn_code(hello.alpn ? std::string_view(*hello.alpn) : std::string_view()));
  Raw raw = write_raw(a, std::span<const uint16_t>(&hello.cipher_suite, 1), exts, {});
  std::string hash = a + "_" + std::string(raw.ciphers()) + "_" + sha256_hex12(raw.c());
  return {std::move(hash), std::move(raw.text)};
}

}  // namespace fp::tls
