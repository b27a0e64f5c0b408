// Opening the PostgreSQL store, health, settings. The tables have their own files:
// postgres_observations.cc, postgres_profiles.cc, postgres_keys.cc.
#include "store/postgres_store.h"

#include "store/postgres_schema.h"

namespace fp::store {

std::unique_ptr<PostgresStore> PostgresStore::open(std::string_view url, size_t pool,
                                                   std::string& error) {
  std::optional<PgTarget> target = PgTarget::parse(url, error);
  if (!target) return nullptr;
  int version = -1;
  {
    const std::unique_ptr<PgConnection> connection = PgConnection::connect(*target, error);
    if (!connection) return nullptr;
    version = postgres_migrate(*connection, error);
  }
  if (version < 0) {
    error = target->scrub("PostgreSQL " + target->describe() + ": " + error);
    return nullptr;
  }
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(*target), pool, version));
}

bool PostgresStore::healthy(std::string& error) const {
  return with_connection([](PgConnection& db, std::string& e) { return db.run("SELECT 1", e); },
                         error);
}

std::optional<std::string> PostgresStore::setting(std::string_view key) const {
  std::optional<std::string> value;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    if (!db.exec("SELECT value FROM settings WHERE key = ?1", PgParams().text(key), result,
                 error)) {
      return false;
    }
    if (result.rows() > 0) value = result.text(0, 0);
    return true;
  });
  return value;
}

bool PostgresStore::set_setting(std::string_view key, std::string_view value, std::string& error) {
  return with_connection(
      [&](PgConnection& db, std::string& e) {
        return db.run(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            PgParams().text(key).text(value), e);
      },
      error);
}

}  // namespace fp::store
