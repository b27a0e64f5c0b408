#pragma once
// What the store's .cc files share and callers need not see.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/store.h"

namespace fp::store {

template <class Query>
void Store::read(Query&& query) const {
  std::string error;
  ReaderPool::Lease reader = readers_.acquire(error);
  if (!reader || !query(*reader, error)) errors_.fetch_add(1, std::memory_order_relaxed);
}

// A setting through a given connection, so that code already inside a transaction can use it.
[[nodiscard]] bool write_setting(SqliteConnection& db, std::string_view key, std::string_view value,
                                 std::string& error);
[[nodiscard]] bool read_setting(SqliteConnection& db, std::string_view key,
                                std::optional<std::string>& value, std::string& error);

// Adds `rows` to the hourly counts (observation_hours) inside the caller's write transaction.
[[nodiscard]] bool add_hour_counts(SqliteConnection& db, std::span<const ObservationRow> rows,
                                   std::string& error);

}  // namespace fp::store
