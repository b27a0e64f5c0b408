#pragma once
// What the command line (`analyze --identify`, `identify`, `compare`) and the service share:
// loading the profile database, turning an analyze JSON record into an observation, and the
// identity object as JSON.

#include <boost/json/fwd.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "identify/identity.h"
#include "identify/observation.h"
#include "identify/p0f_db.h"

namespace fp::engine {

// The folder of committed data `name` ("profiles", "models"): `option` when given, else the
// first of data/<name> in the current directory, in its parent (a build directory), or beside
// the executable (<exe>/../data/<name>, so `build/fingerprint` finds it from anywhere); else
// data/<name>.
[[nodiscard]] std::filesystem::path data_dir(const std::string& option, std::string_view name);
// data_dir(option, "profiles").
[[nodiscard]] std::filesystem::path database_dir(const std::string& option);

// Every profile of the folder's .fpdb files, sorted by file name. Files with bad lines still
// give their good profiles; `error` names what could not be read (empty when all was).
[[nodiscard]] std::vector<identify::Profile> load_profiles(const std::filesystem::path& dir,
                                                           std::string& error);

// The classifier (docs/model-card.md) as the identifier's model stage: --models DIR, else
// data/models here or in .. (the rule of database_dir). nullptr when the folder or one of its
// files (client.json, tls_library.json, metadata.json) is missing: identification then runs
// without a model. `warning` is set when a folder named by the option lacks the files, or when
// the files are there but do not load (e.g. a model of another feature schema).
[[nodiscard]] std::unique_ptr<const identify::IdentityModel> load_model(const std::string& option,
                                                                        std::string& warning);

// The p0f database (docs/p0f.md): --p0f-db, else Debian's /etc/p0f/p0f.fp. nullopt when the file
// is absent or unreadable: the OS from p0f is then simply null. `warning` is set only when a file
// named by the option could not be read, or has bad lines (which are skipped).
inline constexpr const char* kDefaultP0fDatabase = "/etc/p0f/p0f.fp";
[[nodiscard]] std::optional<identify::P0fDatabase> load_p0f_database(const std::string& option,
                                                                     std::string& warning);

// The fields of one analyze record (its JSON object) the identifier reads; with a p0f database,
// also the OS its SYN signature (p0f_signature) matches.
[[nodiscard]] identify::Observation observation_from_record(
    const boost::json::object& record, const identify::P0fDatabase* p0f = nullptr);

// Fingerprint strings as a user gives them (`fingerprint identify --ja4 ..`, POST
// /api/v1/identify): ja4 is the hash or a JA4_r / JA4_ro string; ja3 a JA3 string or a JA3N hash.
struct FingerprintStrings {
  std::string ja4, ja3, ja4h, akamai, ja4t, p0f_signature, user_agent, header_order;
};
[[nodiscard]] identify::Observation observation_from_strings(
    const FingerprintStrings& s, const identify::P0fDatabase* p0f = nullptr);

// A confidence or similarity as JSON, to three places and without exponent ("0.5", "1").
[[nodiscard]] std::string json_number(double x);

// The `identity` object (identity.h), one line of JSON.
[[nodiscard]] std::string identity_json(const identify::Identity& identity);

// A JA3 string's JA3N hash (extensions sorted), or "" when malformed.
[[nodiscard]] std::string ja3n_of(const std::string& ja3);

}  // namespace fp::engine
