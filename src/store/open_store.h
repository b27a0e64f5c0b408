#pragma once
// Chooses the store's backend: the SQLite file (the default, one process) or a PostgreSQL
// database (any number of replicas).

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace fp::store {

inline constexpr std::string_view kSqliteBackend = "sqlite";
inline constexpr std::string_view kPostgresBackend = "postgres";

struct StoreOptions {
  std::string backend = "sqlite";     // kSqliteBackend or kPostgresBackend
  std::filesystem::path sqlite_file;  // for sqlite, e.g. database_path(state_dir)
  std::string postgres_url;           // for postgres: postgresql://user[:password]@host/db
  size_t postgres_pool = 4;           // connections, clamped to 1..kMaxPgPool
};

// nullptr and `error` (never holding a password) when the backend is unknown, its location is
// missing, or opening fails (see SqliteStore::open, PostgresStore::open).
[[nodiscard]] std::unique_ptr<Store> open_store(const StoreOptions& o, std::string& error);

// True when libpq can read `url`; else false and `problem` (which does not quote the URL).
[[nodiscard]] bool valid_postgres_url(std::string_view url, std::string& problem);
// user@host:port/db of `url`, for logs and --help: never the password. "" for "".
[[nodiscard]] std::string describe_postgres_url(std::string_view url);

}  // namespace fp::store
