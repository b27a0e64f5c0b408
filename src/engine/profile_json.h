#pragma once
// A profile (identify/profile.h) as the API's JSON object, and back:
//
//   {"id","name","kind","version","tls_library","os","os_flavor","label","source","user_agent",
//    "notes","fingerprints":{"ja4":[..],"ja3n":[..],"ja4h":[..],"akamai":[..],"ja4t":[..],
//    "ja4s":[..],"ja4x":[..],"ja4tscan":[..]},"header_orders":[..],"ciphers":[int],
//    "extensions":[int],"groups":[int],"sig_algs":[int],"h2_settings":"..."}
//
// Every key is written; an absent value is "" or []. Code points are decimal integers (the
// database syntax writes them as hex). The reader applies the database's own rules
// (identify/profile_fields.h: vocabulary, version, fingerprint shapes), so a profile accepted
// here is one the .fpdb syntax can carry and reads back equal.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "identify/profile.h"

namespace fp::engine {

// Free-text fields (label, notes, user_agent ...) longer than this are refused.
inline constexpr size_t kMaxProfileText = 8192;
// Items in one list (a fingerprint kind's values, header_orders, ciphers ...).
inline constexpr size_t kMaxProfileListItems = 1024;
// Nesting of the JSON body; a profile needs 3.
inline constexpr size_t kMaxProfileJsonDepth = 8;

// One line of JSON, plus "updated" (RFC 3339 UTC with milliseconds) when updated_ms > 0. Text
// that is not UTF-8 is written with U+FFFD in place of bad bytes.
[[nodiscard]] std::string profile_to_json(const identify::Profile& p, int64_t updated_ms = 0);

// RFC 3339 UTC with milliseconds: 2026-11-29T10:00:00.123Z.
[[nodiscard]] std::string rfc3339_utc(int64_t unix_ms);

// Reads the API's JSON text. Unknown keys are errors; "updated" is accepted and ignored (it is
// the store's); null is the same as absent; "id" may be left out when `id_from_path` is given
// (PUT /profiles/{id}), and must equal it when both are. When a key repeats, the last one counts.
// On error: nullopt, `field` names where (a path such as "fingerprints.ja4[1]", or "" for the
// body as a whole) and `error` says why, e.g.
//   "not valid JSON: ...", "expected a JSON object", "unknown key", "expected a string",
//   "expected an array", "expected an integer from 0 to 65535",
//   "not a well-formed JA4: <identify::fingerprint_problem>", "id must match [a-z0-9._-]+",
//   "does not match the id in the path", "a profile needs an id",
//   "a profile needs a name, an os or a label", "'Chrome' is not in the vocabulary ...",
//   "must not contain control characters", "must not start or end with a space",
//   "longer than 8192 bytes", "more than 1024 items".
[[nodiscard]] std::optional<identify::Profile> profile_from_json(std::string_view json,
                                                                 std::string_view id_from_path,
                                                                 std::string& field,
                                                                 std::string& error);

}  // namespace fp::engine
