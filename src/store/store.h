#pragma once
// The service's state: observations, the profile database as edited through the API, API keys
// and settings. Two backends: one SQLite file (`--state DIR` -> DIR/fingerprint.db, the default)
// or a PostgreSQL database shared by several replicas. The schema is migrated on open. Any
// method may be called from any thread.
//
// Errors: methods that write return false / kError with a message. Methods that only read cannot
// fail in a way the caller could act on; when the database fails they return what they have
// (empty) and count the failure in errors(), which the server exports and /readyz checks via
// healthy().

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "identify/profile.h"

namespace fp::store {

// The database file inside the service's state folder (`--state DIR`).
inline constexpr std::string_view kDatabaseFileName = "fingerprint.db";
[[nodiscard]] inline std::filesystem::path database_path(const std::filesystem::path& state_dir) {
  return state_dir / kDatabaseFileName;
}

// Result sizes a caller may ask for, clamped to these ranges.
inline constexpr size_t kMaxObservationsPerQuery = 1000;
inline constexpr size_t kMaxProfilesPerQuery = 1000;
inline constexpr size_t kMaxStatsTop = 100;
// Stats buckets: at least a second, at most a (leap) year; at most this many buckets returned
// (the newest ones).
inline constexpr int64_t kMinBucketMs = 1000;
inline constexpr int64_t kMaxBucketMs = 366LL * 24 * 3600 * 1000;
inline constexpr size_t kMaxStatsBuckets = 10000;
// A secret longer than this is not one of ours and is not even hashed.
inline constexpr size_t kMaxSecretLength = 256;

struct ObservationRow {
  int64_t id = 0;                                       // assigned on insert
  int64_t time_ms = 0;                                  // Unix ms
  std::string source;                                   // "listener" | "api" | "pcap" | "capture"
  std::string peer;                                     // client address or ""
  std::string ja4, ja3n, ja4h, akamai, ja4t;            // "" when absent
  std::string client, client_version, tls_library, os;  // identity names, "" when unknown
  std::string record;                                   // the whole record as JSON text
  std::string uid;  // globally unique, given by the writer; an insert of a known uid is skipped
};

// Time ranges are half-open: since_ms <= time_ms < until_ms.
struct ObservationQuery {
  std::string fingerprint{};  // matches any of ja4/ja3n/ja4h/akamai/ja4t exactly; "" = any
  std::string client{};       // exact client name; "" = any
  int64_t since_ms = 0, until_ms = std::numeric_limits<int64_t>::max();
  int64_t before_id = 0;  // pagination: only ids < this; 0 = newest
  size_t limit = 100;     // clamped to 1..kMaxObservationsPerQuery
};

struct Counted {
  std::string kind, value;  // kind: "ja4", "ja3n", "ja4h", "akamai", "ja4t"; "" for clients
  uint64_t count = 0;
};

struct StatsQuery {
  int64_t since_ms = 0, until_ms = std::numeric_limits<int64_t>::max();
  int64_t bucket_ms = 3600000;  // clamped to kMinBucketMs..kMaxBucketMs
  size_t top = 10;              // clamped to 1..kMaxStatsTop
};

struct Stats {
  uint64_t total = 0;
  std::vector<Counted> top_fingerprints;  // most seen first; ties by kind, then value
  std::vector<Counted> top_clients;       // known clients only; ties by name
  // (bucket start, count), oldest first, only buckets with observations. Buckets are aligned
  // to multiples of bucket_ms since the Unix epoch (hours start on the hour).
  std::vector<std::pair<int64_t, uint64_t>> series;
};

struct ProfileQuery {
  std::string text{};         // case-insensitive substring of id, name, label, user_agent, notes
  std::string fingerprint{};  // exact value of any kind
  size_t limit = 50;          // clamped to 1..kMaxProfilesPerQuery
  size_t offset = 0;
};

struct StoredProfile {
  identify::Profile profile;
  int64_t updated_ms = 0;
};

struct ApiKey {
  std::string id;  // 16 lower-case hex digits, also inside the secret
  std::string name;
  std::string tier;
  bool can_write = true;
  int64_t created_ms = 0;
  bool revoked = false;
};

struct CreatedKey {
  ApiKey key;
  std::string secret;  // shown once: "fpk_<id>_<64 hex digits>"; empty when the key was not stored
};

// The interface both backends implement (sqlite_store.h, postgres_store.h); open_store() in
// store/open_store.h picks one. Semantics are the same whichever backend is behind it.
class Store {
 public:
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The SQLite store in `file` (open_store() with backend "sqlite"): opens or creates the
  // database and migrates it. nullptr and `error` when the file cannot be opened, is not a
  // SQLite database, or has a newer schema than this build.
  static std::unique_ptr<Store> open(const std::filesystem::path& file, std::string& error);

  [[nodiscard]] virtual int schema_version() const = 0;
  // A `SELECT 1` on a reading connection, for /readyz.
  [[nodiscard]] virtual bool healthy(std::string& error) const = 0;
  // Database failures of methods that have no error parameter, since open.
  [[nodiscard]] uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

  // --- observations
  // All rows in one transaction: all are stored or none. Each row's `id` is ignored. A row whose
  // non-empty uid is already stored (or appears earlier in `rows`) is skipped, not an error.
  [[nodiscard]] virtual bool insert_observations(std::span<const ObservationRow> rows,
                                                 std::string& error) = 0;
  // Newest first.
  [[nodiscard]] virtual std::vector<ObservationRow> observations(
      const ObservationQuery& q) const = 0;
  [[nodiscard]] virtual Stats stats(const StatsQuery& q) const = 0;
  [[nodiscard]] virtual uint64_t observation_count() const = 0;

  // --- profiles
  // Stores `profiles` only when the table is empty and no seed happened before (so profiles
  // deleted through the API do not come back on restart); a later profile with an id already
  // seeded is skipped. Returns how many were stored. Several processes seeding one database at
  // once store the profiles once.
  [[nodiscard]] virtual size_t seed_profiles(std::span<const identify::Profile> profiles) = 0;
  // In the order they were first stored, for building the identifier.
  [[nodiscard]] virtual std::vector<identify::Profile> all_profiles() const = 0;
  // One page ordered by id; `total` is the number of matches of the whole query.
  [[nodiscard]] virtual std::vector<StoredProfile> find_profiles(const ProfileQuery& q,
                                                                 size_t& total) const = 0;
  [[nodiscard]] virtual std::optional<StoredProfile> profile(std::string_view id) const = 0;
  enum class PutResult { kCreated, kReplaced, kError };
  // Errors: "exists" when must_be_new and the id is taken; a bad id; a profile without name, os
  // or label; one that does not read back equal from the database syntax; database failures.
  [[nodiscard]] virtual PutResult put_profile(const identify::Profile& p, bool must_be_new,
                                              std::string& error) = 0;
  // False when there is no such profile.
  [[nodiscard]] virtual bool remove_profile(std::string_view id) = 0;
  // Bumped by every change of the profiles in this process, and by note_external_change() (the
  // server rebuilds its identifier when it moves). Starts at 1.
  [[nodiscard]] uint64_t profiles_version() const {
    return profiles_version_.load(std::memory_order_acquire);
  }
  // Another process (a replica sharing the database) changed the profiles.
  virtual void note_external_change() { bump_profiles_version(); }

  // --- API keys: only SHA-256 of the secret is stored; compared in constant time.
  [[nodiscard]] CreatedKey create_key(std::string_view name, std::string_view tier, bool can_write);
  [[nodiscard]] virtual CreatedKey create_key(std::string_view name, std::string_view tier,
                                              bool can_write, std::string& error) = 0;
  // nullopt: malformed, unknown or revoked.
  [[nodiscard]] virtual std::optional<ApiKey> find_key(std::string_view secret) const = 0;
  // Every key, revoked ones too, oldest first.
  [[nodiscard]] virtual std::vector<ApiKey> keys() const = 0;
  // True when `id` names a key, which is now revoked (revoking twice is not an error).
  [[nodiscard]] virtual bool revoke_key(std::string_view id) = 0;

  // --- settings (e.g. "active_model"); keys starting with "store." are the store's own.
  [[nodiscard]] virtual std::optional<std::string> setting(std::string_view key) const = 0;
  void set_setting(std::string_view key, std::string_view value);
  [[nodiscard]] virtual bool set_setting(std::string_view key, std::string_view value,
                                         std::string& error) = 0;

 protected:
  Store() = default;
  void count_error(uint64_t n = 1) const { errors_.fetch_add(n, std::memory_order_relaxed); }
  void bump_profiles_version() { profiles_version_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  mutable std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> profiles_version_{1};
};

// Milliseconds since the Unix epoch, from the system clock.
[[nodiscard]] int64_t unix_now_ms();

}  // namespace fp::store
