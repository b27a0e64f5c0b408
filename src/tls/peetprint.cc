// PeetPrint as TrackMe (github.com/pagpeter/TrackMe) computes it: CalculatePeetPrint in
// pkg/tls/fingerprint_tls.go and the extension decoders in pkg/tls/parse_client_hello.go.
// Written from that definition, not copied:
//   versions|protocols|groups|sigalgs|psk_mode|cert_compression|ciphers|extensions
// - lists are decimal values joined by '-'; GREASE stays, as the token "GREASE", in versions,
//   groups, signature algorithms, ciphers and extensions;
// - protocols: ALPN names mapped h2 -> "2", http/1.1 -> "1.1", http/1.0 -> "1.0"
//   (case-insensitive); other names are left out;
// - psk_mode: the first psk_key_exchange_modes value, "0" when the extension is absent;
// - extensions are sorted as strings (Go sort.Strings), so "10" < "16" < "5" < "GREASE";
// - TrackMe marks a GREASE group with the sentinel 6969 and then writes every 6969 as
//   "GREASE", so a group 0x1b39 (unassigned) also prints as GREASE; we keep that quirk;
// - the hash is the MD5 of the whole string.
#include "tls/peetprint.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/hash.h"
#include "tls/grease.h"

namespace fp::tls {
namespace {

constexpr uint16_t kTrackMeGreaseSentinel = 6969;

std::string token(uint16_t v, bool grease) {
  return grease ? std::string("GREASE") : std::to_string(v);
}

template <typename T, typename IsGrease>
std::string join(const std::vector<T>& values, IsGrease grease) {
  std::string out;
  for (T v : values) {
    if (!out.empty()) out.push_back('-');
    out.append(token(v, grease(v)));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string protocols(const std::vector<std::string>& alpn) {
  std::string out;
  for (const std::string& name : alpn) {
    const std::string l = lower(name);
    const char* mapped = l == "h2" ? "2" : l == "http/1.1" ? "1.1" : l == "http/1.0" ? "1.0" : "";
    if (*mapped == '\0') continue;
    if (!out.empty()) out.push_back('-');
    out.append(mapped);
  }
  return out;
}

std::string sorted_extensions(const ClientHello& hello) {
  std::vector<std::string> tokens;
  tokens.reserve(hello.extensions.size());
  for (const Extension& e : hello.extensions) tokens.push_back(token(e.type, is_grease(e.type)));
  std::sort(tokens.begin(), tokens.end());
  std::string out;
  for (const std::string& t : tokens) {
    if (!out.empty()) out.push_back('-');
    out.append(t);
  }
  return out;
}

}  // namespace

Fingerprint peetprint(const ClientHello& hello) {
  const auto grease = [](uint16_t v) { return is_grease(v); };
  const auto group_grease = [](uint16_t v) { return is_grease(v) || v == kTrackMeGreaseSentinel; };
  const auto never = [](uint16_t) { return false; };
  std::string s = join(hello.supported_versions, grease);
  s.append(1, '|').append(protocols(hello.alpn));
  s.append(1, '|').append(join(hello.supported_groups, group_grease));
  s.append(1, '|').append(join(hello.signature_algorithms, grease));
  s.append(1, '|').append(
      std::to_string(hello.psk_key_exchange_modes.empty() ? 0 : hello.psk_key_exchange_modes[0]));
  s.append(1, '|').append(join(hello.compress_certificate_algorithms, never));
  s.append(1, '|').append(join(hello.cipher_suites, grease));
  s.append(1, '|').append(sorted_extensions(hello));
  std::string hash = md5_hex(s);
  return {std::move(s), std::move(hash)};
}

}  // namespace fp::tls
