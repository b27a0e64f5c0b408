// What every backend shares: the overloads without an error parameter, the clock, and the
// SQLite default behind Store::open.
#include "store/store.h"

#include <chrono>

#include "store/sqlite_store.h"

namespace fp::store {

int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& file, std::string& error) {
  return SqliteStore::open(file, error);
}

CreatedKey Store::create_key(std::string_view name, std::string_view tier, bool can_write) {
  std::string error;
  CreatedKey created = create_key(name, tier, can_write, error);
  if (created.secret.empty()) count_error();
  return created;
}

void Store::set_setting(std::string_view key, std::string_view value) {
  std::string error;
  if (!set_setting(key, value, error)) count_error();
}

}  // namespace fp::store
