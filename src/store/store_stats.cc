// Stats over a time range. Grouping raw rows costs SQLite about a second per 400,000 rows and
// column, so the insert transaction also keeps hourly counts (observation_hours), and a range is
// read as whole hours from those, corrected at its two edges by raw rows: for an hour the range
// covers in part, either the raw rows inside the range are added, or the hour is read whole and
// its raw rows outside the range subtracted, whichever touches fewer rows (counted first through
// the time index). Either way the result is exact; a range ending now has nothing to subtract.
// A series whose bucket is not a whole number of hours reads raw rows only.
#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "store/store.h"
#include "store/store_internal.h"

namespace fp::store {
namespace {

constexpr int64_t kHourMs = 3600000;
// Hourly counts cover observation times in [0, year 10000): outside that (bogus clocks) stats
// read raw rows, so the hour arithmetic never nears the ends of int64.
constexpr int64_t kHoursEnd = 253402300800000;

int64_t floor_hour(int64_t t) { return t - ((t % kHourMs) + kHourMs) % kHourMs; }
int64_t ceil_hour(int64_t t) { return floor_hour(t + kHourMs - 1); }

struct Range {
  int64_t from = 0, to = 0;  // [from, to)
  [[nodiscard]] bool empty() const { return from >= to; }
};

// How stats read [since, until): whole hours from observation_hours, plus up to four raw ranges;
// a raw row inside [since, until) counts +1, one outside (in an hour read whole) -1.
struct Plan {
  int64_t since = 0, until = 0;
  Range hours;
  std::array<Range, 4> raw;
  size_t raw_count = 0;
  void add_raw(Range r) {
    if (!r.empty()) raw[raw_count++] = r;
  }
};

bool count_rows(SqliteConnection& db, Range r, int64_t& count, std::string& error) {
  count = 0;
  if (r.empty()) return true;
  Statement select =
      db.prepare("SELECT COUNT(*) FROM observations WHERE time_ms >= ?1 AND time_ms < ?2", error);
  if (!select) return false;
  select.bind(1, r.from);
  select.bind(2, r.to);
  if (select.next_row()) count = select.integer(0);
  if (!select.failed()) return true;
  error = select.error();
  return false;
}

// For an edge hour: true to read it whole and subtract `outside`, false to add `inside` raw.
bool whole_hour_is_cheaper(SqliteConnection& db, Range inside, Range outside_a, Range outside_b,
                           bool& whole, std::string& error) {
  int64_t in = 0, out_a = 0, out_b = 0;
  if (!count_rows(db, inside, in, error) || !count_rows(db, outside_a, out_a, error) ||
      !count_rows(db, outside_b, out_b, error)) {
    return false;
  }
  whole = out_a + out_b < in;
  return true;
}

bool make_plan(SqliteConnection& db, int64_t since, int64_t until, bool use_hours, Plan& plan,
               std::string& error) {
  plan.since = since;
  plan.until = std::max(since, until);
  const Range clipped{std::max<int64_t>(plan.since, 0), std::min(plan.until, kHoursEnd)};
  if (!use_hours || clipped.empty()) {
    plan.add_raw({plan.since, plan.until});
    return true;
  }
  plan.add_raw({plan.since, clipped.from});  // before 1970 and after year 10000: raw only
  plan.add_raw({clipped.to, plan.until});
  const int64_t first = floor_hour(clipped.from), end = ceil_hour(clipped.to);
  plan.hours = {first, end};
  const Range before{first, clipped.from}, after{clipped.to, end};
  bool whole = true;
  if (end - first == kHourMs) {  // one hour, covered in part at one or both ends
    if (!whole_hour_is_cheaper(db, clipped, before, after, whole, error)) return false;
    if (whole) {
      plan.add_raw(before);
      plan.add_raw(after);
    } else {
      plan.hours = {};
      plan.add_raw(clipped);
    }
    return true;
  }
  if (!before.empty()) {
    const Range inside{clipped.from, first + kHourMs};
    if (!whole_hour_is_cheaper(db, inside, before, {}, whole, error)) return false;
    if (!whole) plan.hours.from = inside.to;
    plan.add_raw(whole ? before : inside);
  }
  if (!after.empty()) {
    const Range inside{end - kHourMs, clipped.to};
    if (!whole_hour_is_cheaper(db, inside, after, {}, whole, error)) return false;
    if (!whole) plan.hours.to = inside.from;
    plan.add_raw(whole ? after : inside);
  }
  return true;
}

// Parameters ?1 ?2 (the range), ?3 ?4 (hours), ?5 to ?12 (raw ranges); queries add ?13, ?14.
void bind_plan(Statement& statement, const Plan& plan) {
  statement.bind(1, plan.since);
  statement.bind(2, plan.until);
  statement.bind(3, plan.hours.from);
  statement.bind(4, plan.hours.to);
  for (size_t i = 0; i < plan.raw.size(); ++i) {
    statement.bind(static_cast<int>(5 + 2 * i), plan.raw[i].from);
    statement.bind(static_cast<int>(6 + 2 * i), plan.raw[i].to);
  }
}

constexpr std::string_view kRaw =
    "((time_ms >= ?5 AND time_ms < ?6) OR (time_ms >= ?7 AND time_ms < ?8) OR "
    "(time_ms >= ?9 AND time_ms < ?10) OR (time_ms >= ?11 AND time_ms < ?12))";
constexpr std::string_view kSign = "CASE WHEN time_ms >= ?1 AND time_ms < ?2 THEN 1 ELSE -1 END";
constexpr std::string_view kHours = "hour_ms >= ?3 AND hour_ms < ?4";

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out += part;
  return out;
}

const std::string kTotal =
    cat({"SELECT (SELECT COALESCE(SUM(count), 0) FROM observation_hours WHERE ", kHours,
         " AND kind = '') + (SELECT COALESCE(SUM(", kSign, "), 0) FROM observations WHERE ", kRaw,
         ")"});

std::string raw_fingerprints(std::string_view column) {
  return cat({" UNION ALL SELECT '", column, "', ", column, ", ", kSign,
              " FROM observations WHERE ", kRaw, " AND ", column, " <> ''"});
}

// HAVING: a value seen only outside the range sums to 0 after the subtraction.
const std::string kTopFingerprints =
    cat({"SELECT kind, value, SUM(n) AS total FROM (",
         "SELECT kind, value, count AS n FROM observation_hours WHERE ", kHours,
         " AND kind NOT IN ('', 'client')", raw_fingerprints("ja4"), raw_fingerprints("ja3n"),
         raw_fingerprints("ja4h"), raw_fingerprints("akamai"), raw_fingerprints("ja4t"),
         ") GROUP BY kind, value HAVING total > 0 ORDER BY total DESC, kind, value LIMIT ?13"});

const std::string kTopClients = cat(
    {"SELECT value, SUM(n) AS total FROM (",
     "SELECT value, count AS n FROM observation_hours WHERE ", kHours, " AND kind = 'client'",
     " UNION ALL SELECT client, ", kSign, " FROM observations WHERE ", kRaw, " AND client <> ''",
     ") GROUP BY value HAVING total > 0 ORDER BY total DESC, value LIMIT ?13"});

// ?13 is the bucket (a whole number of hours whenever hours are used), ?14 the most buckets.
const std::string kSeries =
    cat({"SELECT bucket, SUM(n) AS total FROM (",
         "SELECT hour_ms - ((hour_ms % ?13) + ?13) % ?13 AS bucket, count AS n FROM "
         "observation_hours WHERE ",
         kHours, " AND kind = ''", " UNION ALL SELECT time_ms - ((time_ms % ?13) + ?13) % ?13, ",
         kSign, " FROM observations WHERE ", kRaw,
         ") GROUP BY bucket HAVING total > 0 ORDER BY bucket DESC LIMIT ?14"});

int64_t clamp_top(size_t top) {
  return static_cast<int64_t>(std::clamp<size_t>(top, 1, kMaxStatsTop));
}

bool read_total(SqliteConnection& db, const Plan& plan, Stats& stats, std::string& error) {
  Statement total = db.prepare(kTotal, error);
  if (!total) return false;
  bind_plan(total, plan);
  if (total.next_row()) stats.total = static_cast<uint64_t>(total.integer(0));
  return !total.failed();
}

bool read_top_fingerprints(SqliteConnection& db, const Plan& plan, size_t top, Stats& stats,
                           std::string& error) {
  Statement select = db.prepare(kTopFingerprints, error);
  if (!select) return false;
  bind_plan(select, plan);
  select.bind(13, clamp_top(top));
  while (select.next_row()) {
    stats.top_fingerprints.push_back(
        {select.text(0), select.text(1), static_cast<uint64_t>(select.integer(2))});
  }
  return !select.failed();
}

bool read_top_clients(SqliteConnection& db, const Plan& plan, size_t top, Stats& stats,
                      std::string& error) {
  Statement select = db.prepare(kTopClients, error);
  if (!select) return false;
  bind_plan(select, plan);
  select.bind(13, clamp_top(top));
  while (select.next_row()) {
    stats.top_clients.push_back({"", select.text(0), static_cast<uint64_t>(select.integer(1))});
  }
  return !select.failed();
}

bool read_series(SqliteConnection& db, const StatsQuery& q, const Plan& hourly, Stats& stats,
                 std::string& error) {
  const int64_t bucket = std::clamp(q.bucket_ms, kMinBucketMs, kMaxBucketMs);
  Plan raw_only;
  const bool whole_hours = bucket % kHourMs == 0;
  if (!whole_hours && !make_plan(db, q.since_ms, q.until_ms, false, raw_only, error)) return false;
  Statement select = db.prepare(kSeries, error);
  if (!select) return false;
  bind_plan(select, whole_hours ? hourly : raw_only);
  select.bind(13, bucket);
  select.bind(14, static_cast<int64_t>(kMaxStatsBuckets));
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
    if (row.time_ms < 0 || row.time_ms >= kHoursEnd) continue;  // read raw (make_plan)
    const int64_t hour = floor_hour(row.time_ms);
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
  read([&](SqliteConnection& db, std::string& error) {
    // One snapshot: the plan's counts, the total, the top lists and the series see the same rows.
    Transaction snapshot(db, Transaction::Kind::kRead, error);
    Plan plan;
    return snapshot.active() && make_plan(db, q.since_ms, q.until_ms, true, plan, error) &&
           read_total(db, plan, stats, error) &&
           read_top_fingerprints(db, plan, q.top, stats, error) &&
           read_top_clients(db, plan, q.top, stats, error) &&
           read_series(db, q, plan, stats, error) && snapshot.commit(error);
  });
  return stats;
}

}  // namespace fp::store
