#include "store/postgres_schema.h"
#include "store/migration_steps.h"

#include <array>

#include "store/store.h"

namespace fp::store {
namespace {

// Any constant both sides agree on; "fp-migr" in ASCII.
constexpr int64_t kMigrationLock = 0x66702d6d696772;
// Waiting for another replica's migration may take longer than one ordinary statement.
constexpr int kMigrationTimeoutMs = 120000;

// 1: the SQLite schema's concepts (schema.cc, migrations 1 and 2) in PostgreSQL's types. Text
// columns use the "C" collation so that ORDER BY sorts bytes, as SQLite does, whatever the
// database's locale. `record` is bytea: it keeps any byte (text refuses NUL). Profiles keep
// `seq` for the order they were first stored in (SQLite's rowid).
constexpr std::string_view kInitial = R"sql(
CREATE TABLE observations (
  id BIGSERIAL PRIMARY KEY,  -- never reused: pagination by id stays stable
  time_ms BIGINT NOT NULL,
  source TEXT COLLATE "C" NOT NULL,
  peer TEXT COLLATE "C" NOT NULL,
  ja4 TEXT COLLATE "C" NOT NULL,
  ja3n TEXT COLLATE "C" NOT NULL,
  ja4h TEXT COLLATE "C" NOT NULL,
  akamai TEXT COLLATE "C" NOT NULL,
  ja4t TEXT COLLATE "C" NOT NULL,
  client TEXT COLLATE "C" NOT NULL,
  client_version TEXT COLLATE "C" NOT NULL,
  tls_library TEXT COLLATE "C" NOT NULL,
  os TEXT COLLATE "C" NOT NULL,
  record BYTEA NOT NULL,
  uid TEXT COLLATE "C" UNIQUE  -- given by the writer; NULL when none
);
CREATE INDEX observations_time ON observations (time_ms)
  INCLUDE (ja4, ja3n, ja4h, akamai, ja4t, client);
-- (value, id): the newest matches of one value are read from the index in order.
CREATE INDEX observations_ja4 ON observations (ja4, id);
CREATE INDEX observations_ja3n ON observations (ja3n, id);
CREATE INDEX observations_ja4h ON observations (ja4h, id);
CREATE INDEX observations_akamai ON observations (akamai, id);
CREATE INDEX observations_ja4t ON observations (ja4t, id);
CREATE INDEX observations_client ON observations (client, id);
CREATE TABLE observation_hours (
  hour_ms BIGINT NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (hour_ms, kind, value)
);

CREATE TABLE profiles (
  seq BIGSERIAL NOT NULL,
  id TEXT COLLATE "C" PRIMARY KEY,
  text TEXT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  os TEXT COLLATE "C" NOT NULL,
  search TEXT COLLATE "C" NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX profiles_seq ON profiles (seq);
CREATE TABLE profile_fingerprints (
  value TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  profile_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (value, kind, profile_id)
);
CREATE INDEX profile_fingerprints_profile ON profile_fingerprints (profile_id);

CREATE TABLE api_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  tier TEXT NOT NULL,
  can_write INTEGER NOT NULL,
  created_ms BIGINT NOT NULL,
  revoked_ms BIGINT,          -- NULL while the key is valid
  secret_sha256 TEXT NOT NULL
);

CREATE TABLE settings (
  key TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

constexpr std::array<std::string_view, 1> kMigrations = {kInitial};

int recorded_version(PgConnection& connection, std::string& error) {
  PgResult result;
  if (!connection.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, result,
                       error)) {
    return -1;
  }
  return static_cast<int>(result.integer(0, 0));
}

bool apply(PgConnection& connection, int version, std::string& error) {
  PgTransaction transaction(connection, PgTransaction::Kind::kWrite, error);
  if (!transaction.active()) return false;
  // Without parameters the text may hold several statements (the simple query protocol).
  if (!connection.run(kMigrations[static_cast<size_t>(version - 1)], error)) {
    error = "migration " + std::to_string(version) + " failed: " + error;
    return false;
  }
  return connection.run("INSERT INTO schema_migrations (version, applied_ms) VALUES (?1, ?2)",
                        PgParams().integer(version).integer(unix_now_ms()), error) &&
         transaction.commit(error);
}

int migrate_locked(PgConnection& connection, std::string& error) {
  if (!connection.run("CREATE TABLE IF NOT EXISTS schema_migrations ("
                      "version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)",
                      error)) {
    return -1;
  }
  const int recorded = recorded_version(connection, error);
  if (recorded < 0) return -1;
  return migrate_from(
      recorded, static_cast<int>(kMigrations.size()),
      [&connection](int version, std::string& e) { return apply(connection, version, e); }, error);
}

}  // namespace

std::span<const std::string_view> postgres_migrations() noexcept { return kMigrations; }

int postgres_migrate(PgConnection& connection, std::string& error) {
  if (!connection.run("SET statement_timeout = " + std::to_string(kMigrationTimeoutMs), error) ||
      !connection.run("SELECT pg_advisory_lock(?1)", PgParams().integer(kMigrationLock), error)) {
    return -1;
  }
  const int version = migrate_locked(connection, error);
  std::string ignored;
  // Also released when the session ends, should these fail.
  (void)connection.run("SELECT pg_advisory_unlock(?1)", PgParams().integer(kMigrationLock),
                       ignored);
  (void)connection.run("RESET statement_timeout", ignored);  // to the connection's own

  return version;
}

}  // namespace fp::store
