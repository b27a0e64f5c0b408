#include "store/schema.h"
#include "store/migration_steps.h"

#include <array>
#include <chrono>

namespace fp::store {
namespace {

// 1: observations (one per fingerprinted connection or API call) with hourly counts, profiles
// with an exact fingerprint index, API keys (SHA-256 of the secret only), settings.
constexpr std::string_view kInitial = R"sql(
CREATE TABLE observations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: pagination by id stays stable
  time_ms INTEGER NOT NULL,
  source TEXT NOT NULL,
  peer TEXT NOT NULL,
  ja4 TEXT NOT NULL,
  ja3n TEXT NOT NULL,
  ja4h TEXT NOT NULL,
  akamai TEXT NOT NULL,
  ja4t TEXT NOT NULL,
  client TEXT NOT NULL,
  client_version TEXT NOT NULL,
  tls_library TEXT NOT NULL,
  os TEXT NOT NULL,
  record TEXT NOT NULL
);
-- Covers the stats columns: the partial hours at the edges of a stats range read only this.
CREATE INDEX observations_time ON observations (time_ms, ja4, ja3n, ja4h, akamai, ja4t, client);
CREATE INDEX observations_ja4 ON observations (ja4);
CREATE INDEX observations_ja3n ON observations (ja3n);
CREATE INDEX observations_ja4h ON observations (ja4h);
CREATE INDEX observations_akamai ON observations (akamai);
CREATE INDEX observations_ja4t ON observations (ja4t);
CREATE INDEX observations_client ON observations (client);
-- Hourly counts, kept in the transaction that inserts the observations: stats read whole hours
-- here. kind is a fingerprint column, 'client', or '' for all observations (value '').
CREATE TABLE observation_hours (
  hour_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (hour_ms, kind, value)
) WITHOUT ROWID;

CREATE TABLE profiles (
  id TEXT PRIMARY KEY,
  text TEXT NOT NULL,        -- format_profile(): the database syntax is the stored form
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  os TEXT NOT NULL,
  search TEXT NOT NULL,      -- lower-cased id, name, label, user_agent, notes for text search
  updated_ms INTEGER NOT NULL
);
CREATE INDEX profiles_name ON profiles (name);
CREATE INDEX profiles_os ON profiles (os);
CREATE TABLE profile_fingerprints (
  value TEXT NOT NULL,
  kind TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  PRIMARY KEY (value, kind, profile_id)
) WITHOUT ROWID;
CREATE INDEX profile_fingerprints_profile ON profile_fingerprints (profile_id);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  tier TEXT NOT NULL,
  can_write INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER,         -- NULL while the key is valid
  secret_sha256 TEXT NOT NULL
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// 2: a writer-given unique id per observation (NULL when none), so that a spool replayed after a
// crash does not store a row twice (insert_observations skips a known uid).
constexpr std::string_view kObservationUid = R"sql(
ALTER TABLE observations ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX observations_uid ON observations (uid);
)sql";

constexpr std::array<std::string_view, 2> kMigrations = {kInitial, kObservationUid};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool apply(SqliteConnection& writer, int version, std::string& error) {
  Transaction transaction(writer, Transaction::Kind::kWrite, error);
  if (!transaction.active()) return false;
  // Another process may have applied it between our check and our lock.
  const int recorded = recorded_schema_version(writer, error);
  if (recorded < 0) return false;
  if (recorded >= version) return true;
  const std::string sql(kMigrations[static_cast<size_t>(version - 1)]);
  if (!writer.exec(sql.c_str(), error)) {
    error = "migration " + std::to_string(version) + " failed: " + error;
    return false;
  }
  Statement record =
      writer.prepare("INSERT INTO schema_migrations (version, applied_ms) VALUES (?1, ?2)", error);
  if (!record) return false;
  record.bind(1, int64_t{version});
  record.bind(2, now_ms());
  return record.run(error) && transaction.commit(error);
}

}  // namespace

std::span<const std::string_view> migrations() noexcept { return kMigrations; }

int latest_schema_version() noexcept { return static_cast<int>(kMigrations.size()); }

int recorded_schema_version(SqliteConnection& connection, std::string& error) {
  Statement query =
      connection.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", error);
  if (!query) return -1;
  if (!query.next_row()) {
    error = query.error();
    return -1;
  }
  return static_cast<int>(query.integer(0));
}

int migrate(SqliteConnection& writer, std::string& error) {
  if (!writer.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                   "version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)",
                   error)) {
    return -1;
  }
  const int recorded = recorded_schema_version(writer, error);
  if (recorded < 0) return -1;
  return migrate_from(
      recorded, latest_schema_version(),
      [&writer](int version, std::string& e) { return apply(writer, version, e); }, error);
}

}  // namespace fp::store
