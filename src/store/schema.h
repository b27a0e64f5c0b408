#pragma once
// The SQLite schema as an ordered list of migrations. Migration N (1-based) is applied once,
// in its own transaction, and recorded in `schema_migrations`; a database that records a version
// this build does not know is refused, so an older binary never writes to a newer schema.

#include <span>
#include <string>
#include <string_view>

#include "store/sqlite.h"

namespace fp::store {

// The SQL of every migration, oldest first. Never edit a released entry: append a new one.
[[nodiscard]] std::span<const std::string_view> migrations() noexcept;

// The version this build writes: the number of migrations.
[[nodiscard]] int latest_schema_version() noexcept;

// Applies the missing migrations to the database behind `writer` (a read-write connection).
// Returns the schema version after migrating, or -1 with `error` set: the file is not a database,
// a migration failed (rolled back, earlier ones kept), or the database is newer than this build.
[[nodiscard]] int migrate(SqliteConnection& writer, std::string& error);

// The version recorded in the database (0 for a new one), or -1 with `error` set.
[[nodiscard]] int recorded_schema_version(SqliteConnection& connection, std::string& error);

}  // namespace fp::store
