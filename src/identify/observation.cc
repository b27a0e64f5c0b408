#include "identify/observation.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/hash.h"
#include "identify/profile_fields.h"
#include "tls/grease.h"

namespace fp::identify {
namespace {

constexpr uint16_t kSni = 0x0000, kAlpn = 0x0010;

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t at = text.find(sep); at != std::string_view::npos; at = text.find(sep, start)) {
    out.push_back(text.substr(start, at - start));
    start = at + 1;
  }
  out.push_back(text.substr(start));
  return out;
}

// JA4 lists: 4 hex digits per code, ',' between; "" is an empty list.
std::optional<std::vector<uint16_t>> hex_codes(std::string_view text) {
  if (text.empty()) return std::vector<uint16_t>{};
  for (std::string_view item : split(text, ',')) {
    if (item.size() != 4) return std::nullopt;
  }
  return fields::parse_hex_list(text);
}

// JA3 lists: decimal, '-' between.
std::optional<std::vector<uint16_t>> decimal_codes(std::string_view text) {
  std::vector<uint16_t> out;
  if (text.empty()) return out;
  for (std::string_view item : split(text, '-')) {
    uint16_t v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || end != item.data() + item.size() || item.empty()) return std::nullopt;
    if (!tls::is_grease(v)) out.push_back(v);
  }
  return out;
}

bool has_sni_or_alpn(const std::vector<uint16_t>& exts) {
  return std::find(exts.begin(), exts.end(), kSni) != exts.end() ||
         std::find(exts.begin(), exts.end(), kAlpn) != exts.end();
}

struct Ja4Parts {
  std::string_view a;
  std::vector<uint16_t> ciphers, extensions, sig_algs;
};

// JA4.md: the `a` part is 10 characters, `t13d1516h2`.
std::optional<Ja4Parts> split_ja4_raw(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, '_');
  if (parts.size() < 3 || parts.size() > 4 || parts[0].size() != 10) return std::nullopt;
  auto ciphers = hex_codes(parts[1]);
  auto exts = hex_codes(parts[2]);
  auto sigs = parts.size() == 4 ? hex_codes(parts[3]) : std::vector<uint16_t>{};
  if (!ciphers || !exts || !sigs) return std::nullopt;
  return Ja4Parts{parts[0], std::move(*ciphers), std::move(*exts), std::move(*sigs)};
}

std::string hex_list(const std::vector<uint16_t>& codes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint16_t c : codes) {
    if (!out.empty()) out.push_back(',');
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(c >> shift) & 0xf]);
  }
  return out;
}

std::vector<uint16_t> no_grease(const std::vector<uint16_t>& codes) {
  return tls::without_grease(codes);
}

}  // namespace

bool parse_ja4_raw(std::string_view text, Observation& out) {
  std::optional<Ja4Parts> p = split_ja4_raw(text);
  if (!p) return false;
  const bool sorted = std::is_sorted(p->ciphers.begin(), p->ciphers.end()) &&
                      std::is_sorted(p->extensions.begin(), p->extensions.end()) &&
                      !has_sni_or_alpn(p->extensions);
  (sorted ? out.ja4_r : out.ja4_ro) = std::string(text);
  if (out.of(FingerprintKind::kJa4).empty()) out.of(FingerprintKind::kJa4) = ja4_from_raw(text);
  out.ciphers = std::move(p->ciphers);
  out.extensions = std::move(p->extensions);
  out.sig_algs = std::move(p->sig_algs);
  out.ciphers_sorted = out.extensions_sorted = sorted;
  return true;
}

bool parse_ja3_raw(std::string_view text, Observation& out) {
  const std::vector<std::string_view> parts = split(text, ',');
  if (parts.size() != 5) return false;
  auto ciphers = decimal_codes(parts[1]);
  auto exts = decimal_codes(parts[2]);
  auto groups = decimal_codes(parts[3]);
  if (!ciphers || !exts || !groups) return false;
  out.ciphers = std::move(*ciphers);
  out.extensions = std::move(*exts);
  out.groups = std::move(*groups);
  out.ciphers_sorted = out.extensions_sorted = false;
  return true;
}

std::string ja4_from_raw(std::string_view text) {
  std::optional<Ja4Parts> p = split_ja4_raw(text);
  if (!p) return "";
  // JA4.md: ciphers sorted; extensions sorted without SNI and ALPN; signature algorithms as sent.
  std::sort(p->ciphers.begin(), p->ciphers.end());
  std::erase_if(p->extensions, [](uint16_t e) { return e == kSni || e == kAlpn; });
  std::sort(p->extensions.begin(), p->extensions.end());
  std::string c = hex_list(p->extensions);
  if (!p->sig_algs.empty()) c += "_" + hex_list(p->sig_algs);
  const std::string b = p->ciphers.empty() ? "000000000000" : sha256_hex12(hex_list(p->ciphers));
  return std::string(p->a) + "_" + b + "_" +
         (p->extensions.empty() ? std::string("000000000000") : sha256_hex12(c));
}

void set_akamai(std::string_view akamai, Observation& out) {
  out.of(FingerprintKind::kAkamai) = std::string(akamai);
  out.h2_settings = std::string(akamai.substr(0, akamai.find('|')));
}

Observation observation_of(const Profile& profile) {
  Observation o;
  for (size_t k = 0; k < kFingerprintKinds; ++k) {
    if (!profile.fingerprints[k].empty()) o.values[k] = profile.fingerprints[k].front();
  }
  if (!profile.header_orders.empty()) o.header_order = profile.header_orders.front();
  o.user_agent = profile.user_agent;
  o.h2_settings = profile.h2_settings;
  const std::string& akamai = o.of(FingerprintKind::kAkamai);
  if (o.h2_settings.empty() && !akamai.empty()) o.h2_settings = akamai.substr(0, akamai.find('|'));
  o.ciphers = no_grease(profile.ciphers);
  o.extensions = no_grease(profile.extensions);
  o.groups = no_grease(profile.groups);
  o.sig_algs = no_grease(profile.sig_algs);
  return o;
}

Profile profile_of(const Observation& o, std::string_view id) {
  Profile p;
  p.id = std::string(id);
  p.label = "unknown client";
  p.user_agent = o.user_agent;
  for (size_t k = 0; k < kFingerprintKinds; ++k) {
    if (!o.values[k].empty()) p.fingerprints[k].push_back(o.values[k]);
  }
  if (!o.header_order.empty()) p.header_orders.push_back(o.header_order);
  p.h2_settings = o.h2_settings;
  // Sorted lists (from JA4_r) would pose as wire order in the database: leave them out.
  if (!o.ciphers_sorted) p.ciphers = o.ciphers;
  if (!o.extensions_sorted) p.extensions = o.extensions;
  p.groups = o.groups;
  p.sig_algs = o.sig_algs;
  return p;
}

}  // namespace fp::identify
