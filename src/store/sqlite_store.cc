// Opening the SQLite store, health, settings. The tables have their own files:
// sqlite_observations.cc, sqlite_stats.cc, sqlite_profiles.cc, sqlite_keys.cc.
#include "store/sqlite_store.h"

#include "store/schema.h"

namespace fp::store {

SqliteStore::SqliteStore(const std::string& path, SqliteConnection writer, int schema_version)
    : schema_version_(schema_version), writer_(std::move(writer)), readers_(path) {}

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& file,
                                               std::string& error) {
  const std::string path = file.string();
  SqliteConnection writer = SqliteConnection::open(path, error);
  if (!writer) {
    error = path + ": " + error;
    return nullptr;
  }
  const int version = migrate(writer, error);
  if (version < 0) {
    error = path + ": " + error;
    return nullptr;
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(writer), version));
}

bool SqliteStore::healthy(std::string& error) const {
  ReaderPool::Lease reader = readers_.acquire(error);
  if (!reader) return false;
  Statement ping = reader->prepare("SELECT 1", error);
  if (!ping) return false;
  if (ping.next_row()) return true;
  error = ping.error();
  return false;
}

bool write_setting(SqliteConnection& db, std::string_view key, std::string_view value,
                   std::string& error) {
  Statement upsert = db.prepare(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      error);
  if (!upsert) return false;
  upsert.bind(1, key);
  upsert.bind(2, value);
  return upsert.run(error);
}

bool read_setting(SqliteConnection& db, std::string_view key, std::optional<std::string>& value,
                  std::string& error) {
  Statement query = db.prepare("SELECT value FROM settings WHERE key = ?1", error);
  if (!query) return false;
  query.bind(1, key);
  if (query.next_row()) value = query.text(0);
  if (!query.failed()) return true;
  error = query.error();
  return false;
}

std::optional<std::string> SqliteStore::setting(std::string_view key) const {
  std::optional<std::string> value;
  read([&](SqliteConnection& db, std::string& error) {
    return read_setting(db, key, value, error);
  });
  return value;
}

bool SqliteStore::set_setting(std::string_view key, std::string_view value, std::string& error) {
  std::lock_guard lock(write_mutex_);
  return write_setting(writer_, key, value, error);
}

}  // namespace fp::store
