#pragma once
// The profile database (docs/profiles.md): human-edited text in data/profiles/*.fpdb, one
// `[id]` section per known client with `key = value` lines, commented like p0f.fp. Parsing never
// fails as a whole: a bad line is skipped and reported as {line, message} (STYLE.md 13), so a
// bad reload cannot take a running service down. format_profile() prints a profile back in the
// same syntax, so an unknown client can be pasted into the database (STYLE.md 14).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fp::identify {

// The fingerprints a profile can list (any number of each) and the exact lookup indexes.
enum class FingerprintKind : uint8_t {
  kJa4,
  kJa3n,
  kJa4h,
  kAkamai,
  kJa4t,
  kJa4s,
  kJa4x,
  kJa4tscan
};
inline constexpr size_t kFingerprintKinds = 8;

// The database key: "ja4", "ja3n", "ja4h", "akamai", "ja4t", "ja4s", "ja4x", "ja4tscan".
[[nodiscard]] std::string_view key_of(FingerprintKind kind) noexcept;
[[nodiscard]] std::optional<FingerprintKind> fingerprint_kind(std::string_view key) noexcept;

// Why `value` is not a well-formed fingerprint of `kind`, or an empty view when it is. JA3N is
// its MD5 hex; Akamai is the raw `SETTINGS|WINDOW_UPDATE|PRIORITY|PSEUDO` text.
[[nodiscard]] std::string_view fingerprint_problem(FingerprintKind kind, std::string_view value);

struct Profile {
  std::string id;           // [a-z0-9._-]+, unique within a file
  std::string name;         // a client name (vocabulary.h); may be empty when only `os` is known
  std::string kind;         // browser | library | tool | bot | app | malware | device
  std::string tls_library;  // vocabulary.h
  std::string version;      // "131", "116-131" or "131.0.6778.86"; empty when unknown
  std::string os;           // p0f OS name (vocabulary.h)
  std::string os_flavor;    // free text: "10", "12 Pixel 6"
  std::string label;        // the source's own words for the client, free text
  std::string source;       // provenance: where the record came from
  std::string user_agent;   // as sent, when the source recorded it
  std::string notes;        // free text
  std::array<std::vector<std::string>, kFingerprintKinds> fingerprints;
  std::vector<std::string> header_orders;  // lower-case names joined by ',', one per protocol
  // Raw fields for similarity: TLS code points in wire order (GREASE written as 0a0a).
  std::vector<uint16_t> ciphers, extensions, groups, sig_algs;
  std::string h2_settings;  // "1:65536;2:0;4:6291456"
  size_t line = 0;          // line of the [id] header in the file read; 0 when built in code

  [[nodiscard]] const std::vector<std::string>& of(FingerprintKind k) const {
    return fingerprints[static_cast<size_t>(k)];
  }
  [[nodiscard]] std::vector<std::string>& of(FingerprintKind k) {
    return fingerprints[static_cast<size_t>(k)];
  }
};

struct ProfileError {
  size_t line = 0;  // 1-based
  std::string message;
};

inline constexpr int kProfileFormat = 1;  // the `format = N` this build reads and writes

struct ProfileDb {
  std::vector<Profile> profiles;     // in file order
  std::vector<ProfileError> errors;  // in line order; empty for a clean file
};

// Never throws on bad text. Every skipped line, and every profile dropped as a whole (duplicate
// id, neither name nor os nor label), gives one error. See docs/profiles.md for the messages.
[[nodiscard]] ProfileDb parse_profile_db(std::string_view text);

// One profile in database syntax, ending in a newline; parse_profile_db() reads it back equal
// (apart from `line`).
[[nodiscard]] std::string format_profile(const Profile& profile);

// A whole file: `header` (each line written as a `# ` comment), `format = 1`, then the profiles
// separated by blank lines.
[[nodiscard]] std::string format_profile_db(std::span<const Profile> profiles,
                                            std::string_view header);

// True for a well-formed id: [a-z0-9._-]+, at most 128 characters.
[[nodiscard]] bool is_profile_id(std::string_view id) noexcept;

// Lower-case, characters outside the id alphabet turned into '-': usable as (part of) an id.
[[nodiscard]] std::string to_profile_id(std::string_view text);

}  // namespace fp::identify
