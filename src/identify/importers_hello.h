#pragma once
// Shared by the TLS importers: a ClientHello described by its fields becomes a tls::ClientHello
// record, from which our own JA4 and JA3N functions derive the profile's fingerprints, and its
// raw fields are stored for similarity. The record is filled directly rather than built as
// wire bytes: the fingerprints read only these fields (tests check the two ways agree).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identify/profile.h"

namespace fp::identify {

inline constexpr uint16_t kGreasePlaceholder = 0x0a0a;  // how profiles write any GREASE value

struct HelloFields {
  uint16_t legacy_version = 0x0303;
  std::vector<uint16_t> ciphers;     // wire order, GREASE as kGreasePlaceholder
  std::vector<uint16_t> extensions;  // types in wire order
  std::vector<uint16_t> groups, sig_algs, versions;
  std::vector<uint8_t> point_formats;
  std::vector<std::string> alpn;
};

// Why no client could send `hello`, or nullopt when nothing is wrong. The one rule checked:
// a hello that offers TLS 1.3 (0x0304 in supported_versions) carries supported_groups and
// key_share together or neither (RFC 8446 section 9.2, "and vice versa"). Without a key share a
// TLS 1.3 server must abort the handshake, so such a hello describes no working client: sources
// that write hellos by hand produce it as a placeholder (tls-client export README).
[[nodiscard]] std::optional<std::string> hello_defect(const HelloFields& hello);

// Adds ja4 and ja3n and sets ciphers, extensions, groups and sig_algs of `profile`.
void add_hello_fields(const HelloFields& hello, Profile& profile);

// "GREASE", "TLS_VERSION_1_0".."TLS_VERSION_1_3", decimal or 0x-hex text; nullopt for anything
// else, a value above 0xffff included (not a wire value).
[[nodiscard]] std::optional<uint16_t> parse_code_point(std::string_view text);

// "GREASE" or any RFC 8701 value -> kGreasePlaceholder; so do the importers' sources.
[[nodiscard]] uint16_t normalise_grease(uint16_t value) noexcept;

}  // namespace fp::identify
