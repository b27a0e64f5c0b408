#include "store/open_store.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace fp::store {

std::unique_ptr<Store> open_store(const StoreOptions& o, std::string& error) {
  if (o.backend == kSqliteBackend) {
    if (o.sqlite_file.empty()) {
      error = "the sqlite store needs a file";
      return nullptr;
    }
    return SqliteStore::open(o.sqlite_file, error);
  }
  if (o.backend == kPostgresBackend) {
    if (o.postgres_url.empty()) {
      error = "the postgres store needs a URL";
      return nullptr;
    }
    return PostgresStore::open(o.postgres_url, o.postgres_pool, error);
  }
  error = "unknown store backend \"" + o.backend + "\" (sqlite or postgres)";
  return nullptr;
}

bool valid_postgres_url(std::string_view url, std::string& problem) {
  return PgTarget::parse(url, problem).has_value();
}

std::string describe_postgres_url(std::string_view url) {
  if (url.empty()) return {};
  std::string ignored;
  const std::optional<PgTarget> target = PgTarget::parse(url, ignored);
  return target ? "postgresql://" + target->describe() : "(unreadable URL)";
}

}  // namespace fp::store
