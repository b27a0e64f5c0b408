#pragma once
// What is known of one connection, in one plain struct: the fingerprints the exact lookup keys on
// and the raw fields similarity, consistency and the classifier read. Every field is optional:
// empty means the visible layers did not tell. Builders below fill it from JA4_r / JA4_ro and JA3
// strings or from a profile; the capture record is turned into one by the CLI.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "identify/profile.h"

namespace fp::identify {

// How p0f's OS label was found (p0f_match.h): a specific "s:" sig, a generic "g:" one, or only
// with tolerated differences (fuzzy, whichever the sig). kNone: not said (set by hand).
enum class P0fMatchKind : uint8_t { kNone, kExact, kGeneric, kFuzzy };

struct Observation {
  // Exact-lookup keys, each kind's value in database form (JA4 hashed, JA3N as MD5 hex, Akamai
  // as its raw text), empty when unknown.
  std::array<std::string, kFingerprintKinds> values;

  std::string ja4_r, ja4_ro;       // TLS: JA4 with the lists written out (sorted / wire order)
  std::string header_order;        // HTTP: lower-case names as sent, joined by ','
  std::string user_agent;          // HTTP: the User-Agent value
  std::string h2_settings;         // HTTP/2: "1:65536;2:0;4:6291456" (Akamai's first part)
  std::string p0f_signature;       // TCP: p0f raw_sig of the SYN
  std::string p0f_os, p0f_flavor;  // TCP: p0f's match ("Linux", "3.11 and newer"); empty if ???
  P0fMatchKind p0f_match = P0fMatchKind::kNone;  // how p0f matched; kNone when unknown
  int p0f_distance = -1;                         // p0f's dist= hops; -1 when unknown

  // TLS code points, GREASE removed. Wire order unless the `*_sorted` flag says the source
  // (JA4_r) sorted them; JA4_r's extensions also lack SNI (0x0000) and ALPN (0x0010).
  std::vector<uint16_t> ciphers, extensions, groups, sig_algs;
  bool ciphers_sorted = false, extensions_sorted = false;

  [[nodiscard]] std::string& of(FingerprintKind k) { return values[static_cast<size_t>(k)]; }
  [[nodiscard]] const std::string& of(FingerprintKind k) const {
    return values[static_cast<size_t>(k)];
  }
};

// Fills ciphers, extensions and sig_algs (and ja4_r or ja4_ro, and the hashed JA4 when it is
// unset) from a JA4_r or JA4_ro string: `t13d1516h2_<ciphers>_<extensions>[_<sig_algs>]`, lists
// of 4-digit hex. A list whose codes are in ascending order and which holds neither SNI nor
// ALPN is taken as JA4_r (sorted). Returns false, leaving `out` unchanged, on malformed text.
[[nodiscard]] bool parse_ja4_raw(std::string_view text, Observation& out);

// Fills ciphers, extensions (wire order) and groups from a JA3 string
// `771,4865-4866,0-23-65281,29-23-24,0` (decimal; GREASE dropped if present). False, leaving
// `out` unchanged, on malformed text.
[[nodiscard]] bool parse_ja3_raw(std::string_view text, Observation& out);

// The JA4 (hashed) of a JA4_r or JA4_ro string, or "" when malformed: lets a raw string find
// profiles by exact lookup.
[[nodiscard]] std::string ja4_from_raw(std::string_view text);

// Sets the Akamai key and h2_settings from Akamai text `SETTINGS|WINDOW|PRIORITY|PSEUDO`.
void set_akamai(std::string_view akamai, Observation& out);

// A profile seen as an observation (its first value of each fingerprint kind, its raw fields,
// GREASE removed), so two profiles can be compared.
[[nodiscard]] Observation observation_of(const Profile& profile);

// The observation in database syntax, for pasting an unknown client into data/profiles
// (STYLE.md 14): fingerprints, user_agent, header_order and raw fields; no name.
[[nodiscard]] Profile profile_of(const Observation& observation, std::string_view id);

}  // namespace fp::identify
