// PostgreSQL observations: batched multi-row inserts (a known uid skipped), filtered pages,
// newest first, and stats through the shared reader (stats_reader.h) in one snapshot.
#include <algorithm>
#include <unordered_set>

#include "store/observation_sql.h"
#include "store/postgres_store.h"
#include "store/stats_reader.h"

namespace fp::store {
namespace {

// Rows per INSERT statement: 14 parameters each, far below the protocol's 65535, and few round
// trips for a batch of hundreds.
constexpr size_t kRowsPerInsert = 200;
constexpr size_t kCountsPerUpsert = 500;  // 4 parameters each

// "INSERT ... VALUES (?1, ..., ?14), (?15, ...) ..." for `rows` rows of `columns` parameters.
std::string values_list(size_t rows, size_t columns) {
  std::string sql;
  int parameter = 1;
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (size_t c = 0; c < columns; ++c) {
      if (c > 0) sql += ", ";
      sql += "?" + std::to_string(parameter++);
    }
    sql += ")";
  }
  return sql;
}

void add_row(PgParams& params, const ObservationRow& row) {
  params.integer(row.time_ms);
  const auto fields = text_fields(row);
  for (size_t i = 0; i + 1 < fields.size(); ++i) params.text(*fields[i]);
  params.bytes(row.record);  // the last field
  if (row.uid.empty()) {
    params.null_text();
  } else {
    params.text(row.uid);
  }
}

// Inserts `rows`; appends those really stored (not skipped for a known uid) to `inserted`.
bool insert_rows(PgConnection& db, std::span<const ObservationRow> rows,
                 std::vector<ObservationRow>& inserted, std::string& error) {
  PgParams params;
  for (const ObservationRow& row : rows) add_row(params, row);
  PgResult result;
  if (!db.exec("INSERT INTO observations (time_ms, source, peer, ja4, ja3n, ja4h, akamai, ja4t, "
               "client, client_version, tls_library, os, record, uid) VALUES " +
                   values_list(rows.size(), 14) + " ON CONFLICT (uid) DO NOTHING RETURNING uid",
               params, result, error)) {
    return false;
  }
  std::unordered_set<std::string> stored_uids;
  for (int r = 0; r < result.rows(); ++r) stored_uids.insert(result.text(r, 0));
  for (const ObservationRow& row : rows) {
    if (row.uid.empty() || stored_uids.count(row.uid) > 0) inserted.push_back(row);
  }
  return true;
}

bool add_hour_counts(PgConnection& db, std::span<const ObservationRow> rows, std::string& error) {
  const std::vector<HourCount> counts = hour_counts(rows);
  for (size_t from = 0; from < counts.size(); from += kCountsPerUpsert) {
    const size_t n = std::min(kCountsPerUpsert, counts.size() - from);
    PgParams params;
    for (size_t i = from; i < from + n; ++i) {
      params.integer(counts[i].hour_ms).text(counts[i].kind).text(counts[i].value);
      params.integer(counts[i].count);
    }
    // One statement for many keys: they are distinct (hour_counts), and in a fixed order, so
    // two replicas upserting the same hours lock them in the same order.
    if (!db.run("INSERT INTO observation_hours (hour_ms, kind, value, count) VALUES " +
                    values_list(n, 4) +
                    " ON CONFLICT (hour_ms, kind, value) DO UPDATE SET "
                    "count = observation_hours.count + excluded.count",
                params, error)) {
      return false;
    }
  }
  return true;
}

ObservationRow read_row(const PgResult& result, int r) {
  ObservationRow row;
  row.id = result.integer(r, 0);
  row.time_ms = result.integer(r, 1);
  const auto fields = text_fields(row);
  for (size_t i = 0; i + 1 < fields.size(); ++i)
    *fields[i] = result.text(r, static_cast<int>(i + 2));
  *fields.back() = result.bytes(r, static_cast<int>(fields.size() + 1));
  return row;
}

class PgStatsRow final : public StatsRow {
 public:
  PgStatsRow(const PgResult& result, int row) : result_(result), row_(row) {}
  [[nodiscard]] std::string text(int column) const override { return result_.text(row_, column); }
  [[nodiscard]] int64_t integer(int column) const override { return result_.integer(row_, column); }

 private:
  const PgResult& result_;
  int row_;
};

}  // namespace

bool PostgresStore::insert_observations(std::span<const ObservationRow> rows, std::string& error) {
  if (rows.empty()) return true;
  const std::vector<ObservationRow> unique = first_of_each_uid(rows);
  return with_connection(
      [&](PgConnection& db, std::string& e) {
        PgTransaction transaction(db, PgTransaction::Kind::kWrite, e);
        if (!transaction.active()) return false;
        // Only rows really inserted count in the hourly counts: a replayed row must not count
        // twice.
        std::vector<ObservationRow> inserted;
        for (size_t from = 0; from < unique.size(); from += kRowsPerInsert) {
          const size_t n = std::min(kRowsPerInsert, unique.size() - from);
          if (!insert_rows(db, std::span(unique).subspan(from, n), inserted, e)) return false;
        }
        return add_hour_counts(db, inserted, e) && transaction.commit(e);
      },
      error);
}

std::vector<ObservationRow> PostgresStore::observations(const ObservationQuery& q) const {
  std::vector<ObservationRow> rows;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    if (!db.exec(observation_select(q),
                 PgParams()
                     .integer(q.since_ms)
                     .integer(q.until_ms)
                     .integer(observation_before_id(q))
                     .text(q.fingerprint)
                     .text(q.client)
                     .integer(observation_limit(q)),
                 result, error)) {
      return false;
    }
    for (int r = 0; r < result.rows(); ++r) rows.push_back(read_row(result, r));
    return true;
  });
  return rows;
}

uint64_t PostgresStore::observation_count() const {
  uint64_t count = 0;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    if (!db.exec("SELECT COUNT(*) FROM observations", {}, result, error)) return false;
    count = static_cast<uint64_t>(std::max<int64_t>(0, result.integer(0, 0)));
    return true;
  });
  return count;
}

Stats PostgresStore::stats(const StatsQuery& q) const {
  Stats stats;
  read([&](PgConnection& db, std::string& error) {
    // One snapshot: the plan's counts, the total, the top lists and the series see the same rows.
    PgTransaction snapshot(db, PgTransaction::Kind::kRead, error);
    if (!snapshot.active()) return false;
    const StatsQueryRunner run = [&db](std::string_view sql, std::span<const int64_t> parameters,
                                       const std::function<void(const StatsRow&)>& row,
                                       std::string& query_error) {
      PgParams params;
      for (int64_t p : parameters) params.integer(p);
      PgResult result;
      if (!db.exec(sql, params, result, query_error)) return false;
      for (int r = 0; r < result.rows(); ++r) row(PgStatsRow(result, r));
      return true;
    };
    if (read_stats(run, q, stats, error) && snapshot.commit(error)) return true;
    stats = {};
    return false;
  });
  return stats;
}

}  // namespace fp::store
