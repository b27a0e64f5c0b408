// Stats over a time range. Grouping raw rows costs about a second per 400,000 rows and column in
// SQLite, so the insert transaction also keeps hourly counts (observation_hours): the whole hours
// inside a range are read from those, and only the partial hours at its two edges from the raw
// rows. A series whose bucket is not a whole number of hours reads raw rows only.
#include <algorithm>
#include <initializer_list>
#include <limits>
#include <map>
#include <tuple>

#include "store/store.h"
#include "store/store_internal.h"

namespace fp::store {
namespace {

constexpr int64_t kHourMs = 3600000;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Floor to a multiple of `step`, also for negative times (C++ and SQL % truncate toward zero).
// `t` must be at least kMin + step.
int64_t floor_to(int64_t t, int64_t step) { return t - ((t % step) + step) % step; }

int64_t hour_of(int64_t time_ms) {
  return time_ms < kMin + kHourMs ? kMin : floor_to(time_ms, kHourMs);
}

// [since, until) as raw edges [since, mid_start) and [mid_end, until) around whole hours
// [mid_start, mid_end), bound as ?1 ?2 ?3 ?4. Without whole hours, mid_start = mid_end = until.
struct Split {
  int64_t since, until, mid_start, mid_end;
};

Split split(int64_t since, int64_t until, bool use_hours) {
  until = std::max(since, until);
  Split s{since, until, until, until};
  if (!use_hours || since > kMax - kHourMs || s.until < kMin + kHourMs) return s;
  const int64_t first = floor_to(since + kHourMs - 1, kHourMs);  // since rounded up
  const int64_t last = floor_to(s.until, kHourMs);
  if (first < last) {
    s.mid_start = first;
    s.mid_end = last;
  }
  return s;
}

void bind_split(Statement& statement, const Split& s) {
  statement.bind(1, s.since);
  statement.bind(2, s.until);
  statement.bind(3, s.mid_start);
  statement.bind(4, s.mid_end);
}

constexpr std::string_view kEdges =
    "((time_ms >= ?1 AND time_ms < ?3) OR (time_ms >= ?4 AND time_ms < ?2))";
constexpr std::string_view kHours = "hour_ms >= ?3 AND hour_ms < ?4";

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out += part;
  return out;
}

const std::string kTotal =
    cat({"SELECT (SELECT COALESCE(SUM(count), 0) FROM observation_hours WHERE ", kHours,
         " AND kind = '') + (SELECT COUNT(*) FROM observations WHERE ", kEdges, ")"});

std::string raw_fingerprints(std::string_view column) {
  return cat({" UNION ALL SELECT '", column, "', ", column, ", 1 FROM observations WHERE ", kEdges,
              " AND ", column, " <> ''"});
}

const std::string kTopFingerprints =
    cat({"SELECT kind, value, SUM(n) AS total FROM (",
         "SELECT kind, value, count AS n FROM observation_hours WHERE ", kHours,
         " AND kind NOT IN ('', 'client')", raw_fingerprints("ja4"), raw_fingerprints("ja3n"),
         raw_fingerprints("ja4h"), raw_fingerprints("akamai"), raw_fingerprints("ja4t"),
         ") GROUP BY kind, value ORDER BY total DESC, kind, value LIMIT ?5"});

const std::string kTopClients =
    cat({"SELECT value, SUM(n) AS total FROM (",
         "SELECT value, count AS n FROM observation_hours WHERE ", kHours, " AND kind = 'client'",
         " UNION ALL SELECT client, 1 FROM observations WHERE ", kEdges, " AND client <> ''",
         ") GROUP BY value ORDER BY total DESC, value LIMIT ?5"});

// ?5 is the bucket (a whole number of hours whenever ?3 < ?4), ?6 the most buckets returned.
const std::string kSeries =
    cat({"SELECT bucket, SUM(n) FROM (",
         "SELECT hour_ms - ((hour_ms % ?5) + ?5) % ?5 AS bucket, count AS n FROM observation_hours "
         "WHERE ",
         kHours, " AND kind = ''",
         " UNION ALL SELECT time_ms - ((time_ms % ?5) + ?5) % ?5, 1 FROM observations WHERE ",
         kEdges, ") GROUP BY bucket ORDER BY bucket DESC LIMIT ?6"});

int64_t clamp_top(size_t top) {
  return static_cast<int64_t>(std::clamp<size_t>(top, 1, kMaxStatsTop));
}

bool read_total(SqliteConnection& db, const Split& s, Stats& stats, std::string& error) {
  Statement total = db.prepare(kTotal, error);
  if (!total) return false;
  bind_split(total, s);
  if (total.next_row()) stats.total = static_cast<uint64_t>(total.integer(0));
  return !total.failed();
}

bool read_top_fingerprints(SqliteConnection& db, const Split& s, size_t top, Stats& stats,
                           std::string& error) {
  Statement select = db.prepare(kTopFingerprints, error);
  if (!select) return false;
  bind_split(select, s);
  select.bind(5, clamp_top(top));
  while (select.next_row()) {
    stats.top_fingerprints.push_back(
        {select.text(0), select.text(1), static_cast<uint64_t>(select.integer(2))});
  }
  return !select.failed();
}

bool read_top_clients(SqliteConnection& db, const Split& s, size_t top, Stats& stats,
                      std::string& error) {
  Statement select = db.prepare(kTopClients, error);
  if (!select) return false;
  bind_split(select, s);
  select.bind(5, clamp_top(top));
  while (select.next_row()) {
    stats.top_clients.push_back({"", select.text(0), static_cast<uint64_t>(select.integer(1))});
  }
  return !select.failed();
}

bool read_series(SqliteConnection& db, const StatsQuery& q, Stats& stats, std::string& error) {
  const int64_t bucket = std::clamp(q.bucket_ms, kMinBucketMs, kMaxBucketMs);
  const Split s = split(q.since_ms, q.until_ms, bucket % kHourMs == 0);
  Statement select = db.prepare(kSeries, error);
  if (!select) return false;
  bind_split(select, s);
  select.bind(5, bucket);
  select.bind(6, static_cast<int64_t>(kMaxStatsBuckets));
  while (select.next_row()) {
    stats.series.emplace_back(select.integer(0), static_cast<uint64_t>(select.integer(1)));
  }
  std::reverse(stats.series.begin(), stats.series.end());
  return !select.failed();
}

}  // namespace

bool add_hour_counts(SqliteConnection& db, std::span<const ObservationRow> rows,
                     std::string& error) {
  // Summed in memory first: a batch of one busy hour is a few dozen upserts, not thousands.
  std::map<std::tuple<int64_t, std::string_view, std::string_view>, int64_t> counts;
  for (const ObservationRow& row : rows) {
    const int64_t hour = hour_of(row.time_ms);
    ++counts[{hour, "", ""}];
    const std::pair<std::string_view, const std::string*> columns[] = {
        {"ja4", &row.ja4},       {"ja3n", &row.ja3n}, {"ja4h", &row.ja4h},
        {"akamai", &row.akamai}, {"ja4t", &row.ja4t}, {"client", &row.client}};
    for (const auto& [kind, value] : columns) {
      if (!value->empty()) ++counts[{hour, kind, *value}];
    }
  }
  Statement upsert = db.prepare(
      "INSERT INTO observation_hours (hour_ms, kind, value, count) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (hour_ms, kind, value) DO UPDATE SET count = count + excluded.count",
      error);
  if (!upsert) return false;
  for (const auto& [key, count] : counts) {
    upsert.bind(1, std::get<0>(key));
    upsert.bind(2, std::get<1>(key));
    upsert.bind(3, std::get<2>(key));
    upsert.bind(4, count);
    if (!upsert.run(error)) return false;
    upsert.reset();
  }
  return true;
}

Stats Store::stats(const StatsQuery& q) const {
  Stats stats;
  const Split s = split(q.since_ms, q.until_ms, true);
  read([&](SqliteConnection& db, std::string& error) {
    // One snapshot: the total, the top lists and the series count the same rows.
    Transaction snapshot(db, Transaction::Kind::kRead, error);
    return snapshot.active() && read_total(db, s, stats, error) &&
           read_top_fingerprints(db, s, q.top, stats, error) &&
           read_top_clients(db, s, q.top, stats, error) && read_series(db, q, stats, error) &&
           snapshot.commit(error);
  });
  return stats;
}

}  // namespace fp::store
