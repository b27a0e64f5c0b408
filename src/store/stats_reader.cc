#include "store/stats_reader.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

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
  // ?1 ?2 (the range), ?3 ?4 (hours), ?5 to ?12 (raw ranges); queries append ?13, ?14.
  [[nodiscard]] std::vector<int64_t> parameters() const {
    std::vector<int64_t> out = {since, until, hours.from, hours.to};
    for (const Range& r : raw) {
      out.push_back(r.from);
      out.push_back(r.to);
    }
    return out;
  }
};

class Planner {
 public:
  explicit Planner(const StatsQueryRunner& run) : run_(run) {}

  bool count_rows(Range r, int64_t& count, std::string& error) const {
    count = 0;
    if (r.empty()) return true;
    const int64_t parameters[] = {r.from, r.to};
    return run_(
        "SELECT COUNT(*) FROM observations WHERE time_ms >= ?1 AND time_ms < ?2", parameters,
        [&](const StatsRow& row) { count = row.integer(0); }, error);
  }

  // For an edge hour: true to read it whole and subtract `outside`, false to add `inside` raw.
  bool whole_hour_is_cheaper(Range inside, Range outside_a, Range outside_b, bool& whole,
                             std::string& error) const {
    int64_t in = 0, out_a = 0, out_b = 0;
    if (!count_rows(inside, in, error) || !count_rows(outside_a, out_a, error) ||
        !count_rows(outside_b, out_b, error)) {
      return false;
    }
    whole = out_a + out_b < in;
    return true;
  }

  bool make_plan(int64_t since, int64_t until, bool use_hours, Plan& plan,
                 std::string& error) const {
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
      if (!whole_hour_is_cheaper(clipped, before, after, whole, error)) return false;
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
      if (!whole_hour_is_cheaper(inside, before, {}, whole, error)) return false;
      if (!whole) plan.hours.from = inside.to;
      plan.add_raw(whole ? before : inside);
    }
    if (!after.empty()) {
      const Range inside{end - kHourMs, clipped.to};
      if (!whole_hour_is_cheaper(inside, after, {}, whole, error)) return false;
      if (!whole) plan.hours.to = inside.from;
      plan.add_raw(whole ? after : inside);
    }
    return true;
  }

 private:
  const StatsQueryRunner& run_;
};

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

// HAVING: a value seen only outside the range sums to 0 after the subtraction. (The sums are
// spelled out: PostgreSQL does not accept an output alias in HAVING.)
const std::string kTopFingerprints =
    cat({"SELECT kind, value, SUM(n) AS total FROM (",
         "SELECT kind, value, count AS n FROM observation_hours WHERE ", kHours,
         " AND kind NOT IN ('', 'client')", raw_fingerprints("ja4"), raw_fingerprints("ja3n"),
         raw_fingerprints("ja4h"), raw_fingerprints("akamai"), raw_fingerprints("ja4t"),
         ") AS counted GROUP BY kind, value HAVING SUM(n) > 0 ORDER BY total DESC, kind, value "
         "LIMIT ?13"});

const std::string kTopClients = cat(
    {"SELECT value, SUM(n) AS total FROM (",
     "SELECT value, count AS n FROM observation_hours WHERE ", kHours, " AND kind = 'client'",
     " UNION ALL SELECT client, ", kSign, " FROM observations WHERE ", kRaw, " AND client <> ''",
     ") AS counted GROUP BY value HAVING SUM(n) > 0 ORDER BY total DESC, value LIMIT ?13"});

// ?13 is the bucket (a whole number of hours whenever hours are used), ?14 the most buckets.
const std::string kSeries =
    cat({"SELECT bucket, SUM(n) AS total FROM (",
         "SELECT hour_ms - ((hour_ms % ?13) + ?13) % ?13 AS bucket, count AS n FROM "
         "observation_hours WHERE ",
         kHours, " AND kind = ''", " UNION ALL SELECT time_ms - ((time_ms % ?13) + ?13) % ?13, ",
         kSign, " FROM observations WHERE ", kRaw,
         ") AS counted GROUP BY bucket HAVING SUM(n) > 0 ORDER BY bucket DESC LIMIT ?14"});

int64_t clamp_top(size_t top) {
  return static_cast<int64_t>(std::clamp<size_t>(top, 1, kMaxStatsTop));
}

uint64_t count_of(int64_t n) { return n > 0 ? static_cast<uint64_t>(n) : 0; }

}  // namespace

bool read_stats(const StatsQueryRunner& run, const StatsQuery& q, Stats& stats,
                std::string& error) {
  const Planner planner(run);
  Plan hourly;
  if (!planner.make_plan(q.since_ms, q.until_ms, true, hourly, error)) return false;
  std::vector<int64_t> parameters = hourly.parameters();
  if (!run(
          kTotal, parameters, [&](const StatsRow& r) { stats.total = count_of(r.integer(0)); },
          error)) {
    return false;
  }
  parameters.push_back(clamp_top(q.top));
  if (!run(
          kTopFingerprints, parameters,
          [&](const StatsRow& r) {
            stats.top_fingerprints.push_back({r.text(0), r.text(1), count_of(r.integer(2))});
          },
          error) ||
      !run(
          kTopClients, parameters,
          [&](const StatsRow& r) {
            stats.top_clients.push_back({"", r.text(0), count_of(r.integer(1))});
          },
          error)) {
    return false;
  }
  const int64_t bucket = std::clamp(q.bucket_ms, kMinBucketMs, kMaxBucketMs);
  Plan raw_only;
  const bool whole_hours = bucket % kHourMs == 0;
  if (!whole_hours && !planner.make_plan(q.since_ms, q.until_ms, false, raw_only, error)) {
    return false;
  }
  parameters = (whole_hours ? hourly : raw_only).parameters();
  parameters.push_back(bucket);
  parameters.push_back(static_cast<int64_t>(kMaxStatsBuckets));
  if (!run(
          kSeries, parameters,
          [&](const StatsRow& r) {
            stats.series.emplace_back(r.integer(0), count_of(r.integer(1)));
          },
          error)) {
    return false;
  }
  std::reverse(stats.series.begin(), stats.series.end());
  return true;
}

std::vector<HourCount> hour_counts(std::span<const ObservationRow> rows) {
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
  std::vector<HourCount> out;
  out.reserve(counts.size());
  for (const auto& [key, count] : counts) {
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
  }
  return out;
}

}  // namespace fp::store
