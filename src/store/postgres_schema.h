#pragma once
// The PostgreSQL schema as an ordered list of migrations, like the SQLite one (schema.h): each
// applied once in its own transaction and recorded in `schema_migrations`; a database recording
// a version this build does not know is refused. Migrating holds a session advisory lock, so
// replicas starting at once migrate one after the other: the first applies, the others find
// nothing left to do.

#include <span>
#include <string>
#include <string_view>

#include "store/postgres_connection.h"

namespace fp::store {

[[nodiscard]] std::span<const std::string_view> postgres_migrations() noexcept;

// The schema version after migrating, or -1 with `error` set.
[[nodiscard]] int postgres_migrate(PgConnection& connection, std::string& error);

}  // namespace fp::store
