// Observations: each filter, pagination, atomic batches, and stats counted by hand.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <random>
#include <vector>

#include "store/store_fixture.h"

namespace fp::store::test {
namespace {

constexpr int64_t kHour = 3600000;

ObservationRow row(int64_t time_ms, std::string ja4, std::string client) {
  ObservationRow r;
  r.time_ms = time_ms;
  r.source = "listener";
  r.peer = "127.0.0.1";
  r.ja4 = std::move(ja4);
  r.client = std::move(client);
  r.record = R"({"stream":0})";
  return r;
}

// Seven rows; ids 1..7 in this order. Counts below are worked out from this table by hand.
//   id  time          ja4  other fingerprint  client
//   1   1000          A                       chrome
//   2   2000          A    ja4h H1            chrome
//   3   1h + 5        B    akamai K           curl
//   4   1h + 10       A    ja3n N             -
//   5   2h            B    ja4t T             curl
//   6   2h + 1        A                       firefox
//   7   2h + 2        A                       chrome
std::vector<ObservationRow> table() {
  std::vector<ObservationRow> rows = {
      row(1000, "A", "chrome"),         row(2000, "A", "chrome"),
      row(kHour + 5, "B", "curl"),      row(kHour + 10, "A", ""),
      row(2 * kHour, "B", "curl"),      row(2 * kHour + 1, "A", "firefox"),
      row(2 * kHour + 2, "A", "chrome")};
  rows[1].ja4h = "H1";
  rows[2].akamai = "K";
  rows[3].ja3n = "N";
  rows[4].ja4t = "T";
  rows[5].client_version = "128";
  rows[5].tls_library = "nss";
  rows[5].os = "Linux";
  rows[5].source = "api";
  rows[5].peer = "::1";
  rows[5].record = R"({"ja4":"A","note":"é"})";
  return rows;
}

std::vector<int64_t> ids(const std::vector<ObservationRow>& rows) {
  std::vector<int64_t> out;
  for (const ObservationRow& r : rows) out.push_back(r.id);
  return out;
}

class ObservationsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::string error;
    ASSERT_TRUE(store_->insert_observations(table(), error)) << error;
  }
  std::vector<int64_t> query(ObservationQuery q) const { return ids(store_->observations(q)); }
};

using Ids = std::vector<int64_t>;

TEST_P(ObservationsTest, NewestFirstWithEveryFieldKept) {
  EXPECT_EQ(store_->observation_count(), 7u);
  const std::vector<ObservationRow> rows = store_->observations({});
  ASSERT_EQ(ids(rows), (Ids{7, 6, 5, 4, 3, 2, 1}));
  const ObservationRow& r = rows[1];  // id 6
  EXPECT_EQ(r.time_ms, 2 * kHour + 1);
  EXPECT_EQ(r.source, "api");
  EXPECT_EQ(r.peer, "::1");
  EXPECT_EQ(r.ja4, "A");
  EXPECT_EQ(r.client, "firefox");
  EXPECT_EQ(r.client_version, "128");
  EXPECT_EQ(r.tls_library, "nss");
  EXPECT_EQ(r.os, "Linux");
  EXPECT_EQ(r.record, R"({"ja4":"A","note":"é"})");
}

TEST_P(ObservationsTest, FingerprintMatchesAnyOfTheFiveColumns) {
  EXPECT_EQ(query({.fingerprint = "A"}), (Ids{7, 6, 4, 2, 1}));
  EXPECT_EQ(query({.fingerprint = "H1"}), (Ids{2}));
  EXPECT_EQ(query({.fingerprint = "K"}), (Ids{3}));
  EXPECT_EQ(query({.fingerprint = "N"}), (Ids{4}));
  EXPECT_EQ(query({.fingerprint = "T"}), (Ids{5}));
  EXPECT_EQ(query({.fingerprint = "a"}), Ids{});  // exact, case-sensitive
  EXPECT_EQ(query({.fingerprint = "%"}), Ids{});  // no wildcards
}

TEST_P(ObservationsTest, ClientAndCombinedFilters) {
  EXPECT_EQ(query({.client = "curl"}), (Ids{5, 3}));
  EXPECT_EQ(query({.client = "chrome"}), (Ids{7, 2, 1}));
  EXPECT_EQ(query({.fingerprint = "A", .client = "chrome"}), (Ids{7, 2, 1}));
  EXPECT_EQ(query({.fingerprint = "B", .client = "chrome"}), Ids{});
}

TEST_P(ObservationsTest, FiltersApplyBeforeTheLimit) {
  // The newest A rows below 7 are 6 (firefox) and 4 (no client): the first chrome one is 2.
  EXPECT_EQ(query({.fingerprint = "A", .client = "chrome", .before_id = 7, .limit = 1}), (Ids{2}));
  EXPECT_EQ(query({.fingerprint = "A", .until_ms = kHour, .limit = 1}), (Ids{2}));
  EXPECT_EQ(query({.fingerprint = "B", .since_ms = 0, .until_ms = kHour + 6, .limit = 1}),
            (Ids{3}));
}

TEST_P(ObservationsTest, ARowMatchingInTwoColumnsComesOnce) {
  ObservationRow twice = row(5000, "D", "");
  twice.ja4h = "D";
  std::string error;
  ASSERT_TRUE(store_->insert_observations(std::vector{twice}, error)) << error;
  EXPECT_EQ(query({.fingerprint = "D"}), (Ids{8}));
}

TEST_P(ObservationsTest, TimeRangeIsHalfOpen) {
  EXPECT_EQ(query({.since_ms = kHour, .until_ms = 2 * kHour}), (Ids{4, 3}));
  EXPECT_EQ(query({.since_ms = 2 * kHour}), (Ids{7, 6, 5}));
  EXPECT_EQ(query({.until_ms = 1000}), Ids{});
  EXPECT_EQ(query({.fingerprint = "A", .since_ms = kHour, .until_ms = 2 * kHour + 2}), (Ids{6, 4}));
}

TEST_P(ObservationsTest, PagesByIdWithoutGapsOrRepeats) {
  ObservationQuery q{.limit = 3};
  EXPECT_EQ(query(q), (Ids{7, 6, 5}));
  q.before_id = 5;
  EXPECT_EQ(query(q), (Ids{4, 3, 2}));
  q.before_id = 2;
  EXPECT_EQ(query(q), (Ids{1}));
  q.before_id = 1;
  EXPECT_EQ(query(q), Ids{});
  EXPECT_EQ(query({.fingerprint = "A", .before_id = 6, .limit = 2}), (Ids{4, 2}));
}

TEST_P(ObservationsTest, LimitIsClamped) {
  EXPECT_EQ(query({.limit = 0}), (Ids{7}));
  EXPECT_EQ(query({.limit = 1'000'000}).size(), 7u);
  std::vector<ObservationRow> more(kMaxObservationsPerQuery + 5, row(5000, "Z", ""));
  std::string error;
  ASSERT_TRUE(store_->insert_observations(more, error)) << error;
  EXPECT_EQ(query({.limit = 1'000'000}).size(), kMaxObservationsPerQuery);
}

TEST_P(ObservationsTest, StatsOverEverything) {
  const Stats s = store_->stats({});
  EXPECT_EQ(s.total, 7u);
  ASSERT_EQ(s.top_fingerprints.size(), 6u);
  const std::vector<std::tuple<std::string, std::string, uint64_t>> expected_fingerprints = {
      {"ja4", "A", 5},  {"ja4", "B", 2},   {"akamai", "K", 1},
      {"ja3n", "N", 1}, {"ja4h", "H1", 1}, {"ja4t", "T", 1}};
  for (size_t i = 0; i < expected_fingerprints.size(); ++i) {
    const auto& [kind, value, count] = expected_fingerprints[i];
    EXPECT_EQ(s.top_fingerprints[i].kind, kind) << i;
    EXPECT_EQ(s.top_fingerprints[i].value, value) << i;
    EXPECT_EQ(s.top_fingerprints[i].count, count) << i;
  }
  ASSERT_EQ(s.top_clients.size(), 3u);
  EXPECT_EQ(s.top_clients[0].value, "chrome");
  EXPECT_EQ(s.top_clients[0].count, 3u);
  EXPECT_EQ(s.top_clients[0].kind, "");
  EXPECT_EQ(s.top_clients[1].value, "curl");
  EXPECT_EQ(s.top_clients[1].count, 2u);
  EXPECT_EQ(s.top_clients[2].value, "firefox");
  EXPECT_EQ(s.top_clients[2].count, 1u);
  using Series = std::vector<std::pair<int64_t, uint64_t>>;
  EXPECT_EQ(s.series, (Series{{0, 2}, {kHour, 2}, {2 * kHour, 3}}));
}

TEST_P(ObservationsTest, StatsTopAndRange) {
  const Stats top2 = store_->stats({.top = 2});
  ASSERT_EQ(top2.top_fingerprints.size(), 2u);
  EXPECT_EQ(top2.top_fingerprints[1].value, "B");
  ASSERT_EQ(top2.top_clients.size(), 2u);
  EXPECT_EQ(top2.top_clients[1].value, "curl");

  // Rows 3, 4, 5.
  const Stats s = store_->stats({.since_ms = kHour, .until_ms = 2 * kHour + 1});
  EXPECT_EQ(s.total, 3u);
  ASSERT_EQ(s.top_fingerprints.size(), 5u);
  EXPECT_EQ(s.top_fingerprints[0].value, "B");
  EXPECT_EQ(s.top_fingerprints[0].count, 2u);
  EXPECT_EQ(s.top_fingerprints[1].kind, "akamai");
  EXPECT_EQ(s.top_fingerprints[3].kind, "ja4");  // A once, after akamai and ja3n
  EXPECT_EQ(s.top_fingerprints[3].value, "A");
  ASSERT_EQ(s.top_clients.size(), 1u);  // row 4 has no client
  EXPECT_EQ(s.top_clients[0].value, "curl");
  using Series = std::vector<std::pair<int64_t, uint64_t>>;
  EXPECT_EQ(s.series, (Series{{kHour, 2}, {2 * kHour, 1}}));
}

// [1000, 2h+2): rows 1 and 2 come from the partial first hour, 3 and 4 from the whole hour
// [1h, 2h), 5 and 6 from the partial last hour; row 7 (2h+2) is outside.
TEST_P(ObservationsTest, StatsAddWholeHoursAndPartialEdges) {
  const Stats s = store_->stats({.since_ms = 1000, .until_ms = 2 * kHour + 2});
  EXPECT_EQ(s.total, 6u);
  ASSERT_EQ(s.top_fingerprints.size(), 6u);
  EXPECT_EQ(s.top_fingerprints[0].value, "A");
  EXPECT_EQ(s.top_fingerprints[0].count, 4u);
  EXPECT_EQ(s.top_fingerprints[1].value, "B");
  EXPECT_EQ(s.top_fingerprints[1].count, 2u);
  ASSERT_EQ(s.top_clients.size(), 3u);
  EXPECT_EQ(s.top_clients[0].value, "chrome");
  EXPECT_EQ(s.top_clients[0].count, 2u);
  EXPECT_EQ(s.top_clients[1].value, "curl");
  EXPECT_EQ(s.top_clients[1].count, 2u);
  using Series = std::vector<std::pair<int64_t, uint64_t>>;
  EXPECT_EQ(s.series, (Series{{0, 2}, {kHour, 2}, {2 * kHour, 2}}));
  // Two-hour buckets use the hourly counts; 90-minute ones (not whole hours) the raw rows.
  EXPECT_EQ(
      store_->stats({.since_ms = 1000, .until_ms = 2 * kHour + 2, .bucket_ms = 2 * kHour}).series,
      (Series{{0, 4}, {2 * kHour, 2}}));
  EXPECT_EQ(
      store_->stats({.since_ms = 1000, .until_ms = 2 * kHour + 2, .bucket_ms = 5400000}).series,
      (Series{{0, 4}, {5400000, 2}}));
  // Within one hour: raw rows only.
  EXPECT_EQ(store_->stats({.since_ms = kHour + 6, .until_ms = kHour + 11}).total, 1u);
  // An empty or reversed range.
  EXPECT_EQ(store_->stats({.since_ms = kHour, .until_ms = kHour}).total, 0u);
  EXPECT_EQ(store_->stats({.since_ms = 2 * kHour, .until_ms = kHour}).total, 0u);
  // The extremes of int64 do not overflow the hour arithmetic.
  EXPECT_EQ(store_->stats({.since_ms = std::numeric_limits<int64_t>::min()}).total, 7u);
  EXPECT_EQ(store_->stats({.since_ms = std::numeric_limits<int64_t>::max() - 5}).total, 0u);
}

// The hour [2h, 3h) holds rows 5 (B, T, curl), 6 (A, firefox), 7 (A, chrome); the hour
// [1h, 2h) rows 3 and 4. Each case below names the cheaper way to read its edge hour.
TEST_P(ObservationsTest, EitherWayOfReadingAnEdgeHourCountsTheSame) {
  using Series = std::vector<std::pair<int64_t, uint64_t>>;
  // Head edge 2h+1: inside {6, 7}, outside {5}: the hour read whole, row 5 subtracted.
  Stats s = store_->stats({.since_ms = 2 * kHour + 1});
  EXPECT_EQ(s.total, 2u);
  ASSERT_EQ(s.top_fingerprints.size(), 1u);  // B and T summed to 0 and are left out
  EXPECT_EQ(s.top_fingerprints[0].value, "A");
  EXPECT_EQ(s.top_fingerprints[0].count, 2u);
  ASSERT_EQ(s.top_clients.size(), 2u);
  EXPECT_EQ(s.top_clients[0].value, "chrome");
  EXPECT_EQ(s.top_clients[1].value, "firefox");
  EXPECT_EQ(s.series, (Series{{2 * kHour, 2}}));
  // Head edge 1h+6: inside {4}, outside {3}: a tie, read as raw rows inside.
  s = store_->stats({.since_ms = kHour + 6});
  EXPECT_EQ(s.total, 4u);
  EXPECT_EQ(s.series, (Series{{kHour, 1}, {2 * kHour, 3}}));
  // Tail edge 2h+1: inside {5}, outside {6, 7}: raw rows inside.
  s = store_->stats({.since_ms = 0, .until_ms = 2 * kHour + 1});
  EXPECT_EQ(s.total, 5u);
  EXPECT_EQ(s.series, (Series{{0, 2}, {kHour, 2}, {2 * kHour, 1}}));
  // One hour cut at both ends, [2h+1, 2h+3): inside {6, 7}, outside {5}: whole minus row 5.
  s = store_->stats({.since_ms = 2 * kHour + 1, .until_ms = 2 * kHour + 3});
  EXPECT_EQ(s.total, 2u);
  EXPECT_EQ(s.top_clients.size(), 2u);
  // [2h+1, 2h+2): inside {6}, outside {5, 7}: raw.
  s = store_->stats({.since_ms = 2 * kHour + 1, .until_ms = 2 * kHour + 2});
  EXPECT_EQ(s.total, 1u);
  ASSERT_EQ(s.top_clients.size(), 1u);
  EXPECT_EQ(s.top_clients[0].value, "firefox");
}

TEST_P(ObservationsTest, HourlyCountsAreKeptWithTheRows) {
  // Checked in the table itself: the whole-hour stats above rely on it.
  EXPECT_EQ(value("SELECT count FROM observation_hours WHERE hour_ms = 7200000 AND "
                  "kind = '' AND value = ''"),
            "3");
  EXPECT_EQ(value("SELECT count FROM observation_hours WHERE hour_ms = 0 AND "
                  "kind = 'client' AND value = 'chrome'"),
            "2");
  EXPECT_EQ(value("SELECT count FROM observation_hours WHERE hour_ms = 3600000 AND "
                  "kind = 'akamai' AND value = 'K'"),
            "1");
  // A second batch in the same hour adds to the counts.
  std::string error;
  ASSERT_TRUE(store_->insert_observations(std::vector{row(2 * kHour + 50, "A", "chrome")}, error));
  EXPECT_EQ(value("SELECT count FROM observation_hours WHERE hour_ms = 7200000 AND "
                  "kind = '' AND value = ''"),
            "4");
  EXPECT_EQ(store_->stats({}).total, 8u);
}

TEST_P(ObservationsTest, BucketsAreClampedAndAlignedToTheEpoch) {
  using Series = std::vector<std::pair<int64_t, uint64_t>>;
  // 1 ms is below the minimum: one-second buckets.
  EXPECT_EQ(store_->stats({.bucket_ms = 1}).series,
            (Series{{1000, 1}, {2000, 1}, {kHour, 2}, {2 * kHour, 3}}));
  // Minute buckets: 1h+5 and 1h+10 share one; the 2h rows share one.
  EXPECT_EQ(store_->stats({.bucket_ms = 60000}).series,
            (Series{{0, 2}, {kHour, 2}, {2 * kHour, 3}}));
  // Before the epoch: -500 belongs to the bucket starting at -1000, not 0.
  std::string error;
  ASSERT_TRUE(store_->insert_observations(std::vector{row(-500, "A", "")}, error)) << error;
  const Stats s = store_->stats(
      {.since_ms = std::numeric_limits<int64_t>::min(), .until_ms = 1001, .bucket_ms = 1000});
  EXPECT_EQ(s.series, (Series{{-1000, 1}, {1000, 1}}));
}

TEST_P(ObservationsTest, ABatchIsAllOrNothing) {
  ASSERT_TRUE(refuse_inserts_from("bad"));
  std::vector<ObservationRow> batch = {row(9000, "Q", ""), row(9001, "Q", ""), row(9002, "Q", "")};
  batch[2].source = "bad";
  std::string error;
  EXPECT_FALSE(store_->insert_observations(batch, error));
  EXPECT_NE(error.find("refused"), std::string::npos) << error;
  EXPECT_EQ(store_->observation_count(), 7u);
  EXPECT_EQ(query({.fingerprint = "Q"}), Ids{});
  EXPECT_EQ(store_->stats({}).total, 7u);  // the hourly counts rolled back too
  // The connection is usable afterwards.
  batch.pop_back();
  EXPECT_TRUE(store_->insert_observations(batch, error)) << error;
  EXPECT_EQ(store_->observation_count(), 9u);
}

TEST_P(ObservationsTest, HostileTextIsStoredAsData) {
  ObservationRow r = row(10, "x'); DROP TABLE observations; --", "bobby\"tables");
  r.record = std::string("nul\0inside", 10);
  std::string error;
  ASSERT_TRUE(store_->insert_observations(std::vector{r}, error)) << error;
  const auto found = store_->observations({.fingerprint = r.ja4});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].client, "bobby\"tables");
  EXPECT_EQ(found[0].record, std::string("nul\0inside", 10));
  EXPECT_EQ(store_->observation_count(), 8u);
}

// Random rows over ten hours and random ranges: the stats must equal a plain count of the rows,
// whichever way each range's edges are read.
class RandomStatsTest : public BackendTest {};

TEST_P(RandomStatsTest, StatsEqualABruteForceCountOverRandomRanges) {
  std::mt19937_64 random(20261129);
  const std::vector<std::string> values = {"v1", "v2", "v3"};
  const std::vector<std::string> clients = {"", "chrome", "curl"};
  std::vector<ObservationRow> rows;
  for (int i = 0; i < 400; ++i) {
    ObservationRow r = row(static_cast<int64_t>(random() % (10 * kHour)), values[random() % 3],
                           clients[random() % 3]);
    if (random() % 2) r.ja4h = values[random() % 3];
    rows.push_back(r);
  }
  std::string error;
  ASSERT_TRUE(store_->insert_observations(rows, error)) << error;
  for (int i = 0; i < 150; ++i) {
    int64_t since = static_cast<int64_t>(random() % (11 * kHour)) - kHour / 2;
    int64_t until = static_cast<int64_t>(random() % (11 * kHour)) - kHour / 2;
    if (since > until) std::swap(since, until);
    if (i % 10 == 0) until = std::numeric_limits<int64_t>::max();
    std::map<std::pair<std::string, std::string>, uint64_t> fingerprints;
    std::map<std::string, uint64_t> by_client;
    std::map<int64_t, uint64_t> by_hour;
    uint64_t total = 0;
    for (const ObservationRow& r : rows) {
      if (r.time_ms < since || r.time_ms >= until) continue;
      ++total;
      ++fingerprints[{"ja4", r.ja4}];
      if (!r.ja4h.empty()) ++fingerprints[{"ja4h", r.ja4h}];
      if (!r.client.empty()) ++by_client[r.client];
      ++by_hour[r.time_ms / kHour * kHour];
    }
    const Stats s = store_->stats({.since_ms = since, .until_ms = until, .top = 100});
    ASSERT_EQ(s.total, total) << since << " " << until;
    ASSERT_EQ(s.top_fingerprints.size(), fingerprints.size()) << since << " " << until;
    for (const Counted& c : s.top_fingerprints) {
      EXPECT_EQ(c.count, (fingerprints[{c.kind, c.value}])) << c.kind << " " << c.value;
    }
    ASSERT_EQ(s.top_clients.size(), by_client.size());
    for (const Counted& c : s.top_clients) EXPECT_EQ(c.count, by_client[c.value]) << c.value;
    EXPECT_EQ(s.series,
              (std::vector<std::pair<int64_t, uint64_t>>(by_hour.begin(), by_hour.end())));
  }
}

FP_STORE_BACKENDS(ObservationsTest);
FP_STORE_BACKENDS(RandomStatsTest);

}  // namespace
}  // namespace fp::store::test
