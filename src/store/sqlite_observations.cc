// SQLite observations: batched inserts (a known uid skipped), filtered pages, newest first, and
// stats through the shared reader (stats_reader.h).
#include "store/observation_sql.h"
#include "store/sqlite_store.h"
#include "store/stats_reader.h"

namespace fp::store {
namespace {

// A row whose uid exists is skipped by the unique index; an empty uid is stored as NULL, which
// never conflicts.
constexpr std::string_view kInsert =
    "INSERT INTO observations (time_ms, source, peer, ja4, ja3n, ja4h, akamai, ja4t, client, "
    "client_version, tls_library, os, record, uid) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULLIF(?14, '')) "
    "ON CONFLICT (uid) DO NOTHING";

void bind_row(Statement& insert, const ObservationRow& row) {
  insert.bind(1, row.time_ms);
  int index = 2;
  for (const std::string* text : text_fields(row)) insert.bind(index++, *text);
  insert.bind(14, row.uid);
}

ObservationRow read_row(const Statement& select) {
  ObservationRow row;
  row.id = select.integer(0);
  row.time_ms = select.integer(1);
  int column = 2;
  for (std::string* text : text_fields(row)) *text = select.text(column++);
  return row;
}

bool add_hour_counts(SqliteConnection& db, std::span<const ObservationRow> rows,
                     std::string& error) {
  Statement upsert = db.prepare(kHourCountUpsert, error);
  if (!upsert) return false;
  for (const HourCount& c : hour_counts(rows)) {
    upsert.bind(1, c.hour_ms);
    upsert.bind(2, c.kind);
    upsert.bind(3, c.value);
    upsert.bind(4, c.count);
    if (!upsert.run(error)) return false;
    upsert.reset();
  }
  return true;
}

class SqliteStatsRow final : public StatsRow {
 public:
  explicit SqliteStatsRow(const Statement& s) : s_(s) {}
  [[nodiscard]] std::string text(int column) const override { return s_.text(column); }
  [[nodiscard]] int64_t integer(int column) const override { return s_.integer(column); }

 private:
  const Statement& s_;
};

}  // namespace

bool SqliteStore::insert_observations(std::span<const ObservationRow> rows, std::string& error) {
  if (rows.empty()) return true;
  std::lock_guard lock(write_mutex_);
  Transaction transaction(writer_, Transaction::Kind::kWrite, error);
  if (!transaction.active()) return false;
  Statement insert = writer_.prepare(kInsert, error);
  if (!insert) return false;
  // Only the rows really inserted count in the hourly counts: a replayed row must not count twice.
  std::vector<ObservationRow> inserted;
  inserted.reserve(rows.size());
  for (const ObservationRow& row : rows) {
    bind_row(insert, row);
    if (!insert.run(error)) return false;
    if (writer_.changes() > 0) inserted.push_back(row);
    insert.reset();
  }
  return add_hour_counts(writer_, inserted, error) && transaction.commit(error);
}

std::vector<ObservationRow> SqliteStore::observations(const ObservationQuery& q) const {
  std::vector<ObservationRow> rows;
  read([&](SqliteConnection& db, std::string& error) {
    Statement select = db.prepare(observation_select(q), error);
    if (!select) return false;
    select.bind(1, q.since_ms);
    select.bind(2, q.until_ms);
    select.bind(3, observation_before_id(q));
    select.bind(4, q.fingerprint);
    select.bind(5, q.client);
    select.bind(6, observation_limit(q));
    while (select.next_row()) rows.push_back(read_row(select));
    return !select.failed();
  });
  return rows;
}

uint64_t SqliteStore::observation_count() const {
  uint64_t count = 0;
  read([&](SqliteConnection& db, std::string& error) {
    Statement select = db.prepare("SELECT COUNT(*) FROM observations", error);
    if (!select) return false;
    if (select.next_row()) count = static_cast<uint64_t>(select.integer(0));
    return !select.failed();
  });
  return count;
}

Stats SqliteStore::stats(const StatsQuery& q) const {
  Stats stats;
  read([&](SqliteConnection& db, std::string& error) {
    // One snapshot: the plan's counts, the total, the top lists and the series see the same rows.
    Transaction snapshot(db, Transaction::Kind::kRead, error);
    if (!snapshot.active()) return false;
    const StatsQueryRunner run = [&db](std::string_view sql, std::span<const int64_t> parameters,
                                       const std::function<void(const StatsRow&)>& row,
                                       std::string& query_error) {
      Statement select = db.prepare(sql, query_error);
      if (!select) return false;
      for (size_t i = 0; i < parameters.size(); ++i) {
        select.bind(static_cast<int>(i + 1), parameters[i]);
      }
      while (select.next_row()) row(SqliteStatsRow(select));
      if (!select.failed()) return true;
      query_error = select.error();
      return false;
    };
    if (read_stats(run, q, stats, error) && snapshot.commit(error)) return true;
    stats = {};
    return false;
  });
  return stats;
}

}  // namespace fp::store
