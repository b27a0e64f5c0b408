#pragma once
// What both backends do once they know the recorded schema version: refuse a database newer
// than this build, else apply the missing migrations in order (store/schema.cc for SQLite,
// store/postgres_schema.cc for PostgreSQL).

#include <string>

namespace fp::store {

// `apply(version, error) -> bool` applies one migration. Returns the version reached, or -1 with
// `error` set.
template <class Apply>
[[nodiscard]] int migrate_from(int recorded, int latest, Apply&& apply, std::string& error) {
  if (recorded > latest) {
    error = "the database has schema version " + std::to_string(recorded) +
            ", newer than this build's " + std::to_string(latest) +
            "; use the fingerprint release that wrote it or a newer one";
    return -1;
  }
  for (int version = recorded + 1; version <= latest; ++version) {
    if (!apply(version, error)) return -1;
  }
  return latest;
}

}  // namespace fp::store
