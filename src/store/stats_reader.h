#pragma once
// Stats over a time range, the same for both backends. Grouping raw rows costs about a second
// per 400,000 rows and column, so the insert transaction also keeps hourly counts
// (observation_hours), and a range is read as whole hours from those, corrected at its two edges
// by raw rows: for an hour the range covers in part, either the raw rows inside the range are
// added, or the hour is read whole and its raw rows outside the range subtracted, whichever
// touches fewer rows (counted first through the time index). Either way the result is exact; a
// range ending now has nothing to subtract. A series whose bucket is not a whole number of hours
// reads raw rows only.
//
// The SQL is written once with `?N` parameters (SQLite's form; postgres_sql() turns them into
// `$N`); a backend supplies only a way to run a query inside one read snapshot.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace fp::store {

// One result row, columns 0-based.
class StatsRow {
 public:
  virtual ~StatsRow() = default;
  [[nodiscard]] virtual std::string text(int column) const = 0;
  [[nodiscard]] virtual int64_t integer(int column) const = 0;
};

// Runs `sql` with integer parameters (?1 is parameters[0]); calls `row` for each result row.
// False and `error` when the query fails.
using StatsQueryRunner =
    std::function<bool(std::string_view sql, std::span<const int64_t> parameters,
                       const std::function<void(const StatsRow&)>& row, std::string& error)>;

// Fills `stats` for `q`; every query goes through `run`, which the caller keeps in one snapshot.
[[nodiscard]] bool read_stats(const StatsQueryRunner& run, const StatsQuery& q, Stats& stats,
                              std::string& error);

// The hourly counts a batch adds: (hour, kind, value) -> count, in a fixed order (so that
// concurrent writers upsert in the same order and cannot deadlock). Views into `rows`.
struct HourCount {
  int64_t hour_ms = 0;
  std::string_view kind, value;
  int64_t count = 0;
};
[[nodiscard]] std::vector<HourCount> hour_counts(std::span<const ObservationRow> rows);

// Upserts one HourCount: ?1 hour, ?2 kind, ?3 value, ?4 count.
inline constexpr std::string_view kHourCountUpsert =
    "INSERT INTO observation_hours (hour_ms, kind, value, count) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (hour_ms, kind, value) DO UPDATE SET "
    "count = observation_hours.count + excluded.count";

}  // namespace fp::store
