#include "identify/importers_hello.h"

#include <algorithm>
#include <charconv>

#include "tls/client_hello.h"
#include "tls/grease.h"
#include "tls/ja3.h"
#include "tls/ja4.h"

namespace fp::identify {
namespace {

tls::ClientHello to_record(const HelloFields& f) {
  tls::ClientHello h;
  h.record_version = 0x0301;
  h.legacy_version = f.legacy_version;
  h.cipher_suites = f.ciphers;
  h.compression_methods = {0};
  for (uint16_t type : f.extensions) h.extensions.push_back({type, {}});
  // Profiles leave the host out; any host makes JA4 say "d" (SNI sent), as a browser does.
  if (h.has_extension(tls::ext::kServerName)) h.server_name = "example.com";
  h.alpn = f.alpn;
  h.supported_versions = f.versions;
  h.supported_groups = f.groups;
  h.ec_point_formats = f.point_formats;
  h.signature_algorithms = f.sig_algs;
  return h;
}

}  // namespace

std::optional<uint16_t> parse_code_point(std::string_view s) {
  if (s == "GREASE") return kGreasePlaceholder;
  if (s.rfind("TLS_VERSION_1_", 0) == 0 && s.size() == 15 && s[14] >= '0' && s[14] <= '3') {
    return static_cast<uint16_t>(0x0301 + (s[14] - '0'));
  }
  const bool hex = s.rfind("0x", 0) == 0;
  if (hex) s.remove_prefix(2);
  unsigned long v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, hex ? 16 : 10);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v > 0xffff) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(v);
}

uint16_t normalise_grease(uint16_t value) noexcept {
  return tls::is_grease(value) ? kGreasePlaceholder : value;
}

std::optional<std::string> hello_defect(const HelloFields& hello) {
  auto has = [](const std::vector<uint16_t>& list, uint16_t value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };
  if (!has(hello.versions, 0x0304)) return std::nullopt;
  const bool groups = has(hello.extensions, tls::ext::kSupportedGroups);
  const bool key_share = has(hello.extensions, tls::ext::kKeyShare);
  if (groups == key_share) return std::nullopt;
  return groups ? "offers TLS 1.3 with supported_groups but no key_share (RFC 8446 9.2)"
                : "offers TLS 1.3 with key_share but no supported_groups (RFC 8446 9.2)";
}

void add_hello_fields(const HelloFields& hello, Profile& profile) {
  const tls::ClientHello record = to_record(hello);
  profile.of(FingerprintKind::kJa4).push_back(tls::ja4(record).ja4);
  profile.of(FingerprintKind::kJa3n).push_back(tls::ja3n(record).hash);
  auto grease = [](std::vector<uint16_t> v) {
    std::transform(v.begin(), v.end(), v.begin(), normalise_grease);
    return v;
  };
  profile.ciphers = grease(hello.ciphers);
  profile.extensions = grease(hello.extensions);
  profile.groups = grease(hello.groups);
  profile.sig_algs = grease(hello.sig_algs);
}

}  // namespace fp::identify
