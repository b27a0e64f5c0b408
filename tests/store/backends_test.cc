// What both backends must do beyond the single-process tests: skip replayed uids, migrate and
// seed once when several openers race, and (PostgreSQL) keep passwords out of errors and recover
// by itself when the server restarts.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "store/postgres_connection.h"
#include "store/store_fixture.h"

namespace fp::store::test {
namespace {

ObservationRow with_uid(int64_t time_ms, std::string uid, std::string client) {
  ObservationRow r;
  r.time_ms = time_ms;
  r.source = "capture";
  r.ja4 = "J";
  r.client = std::move(client);
  r.record = "{}";
  r.uid = std::move(uid);
  return r;
}

class UidTest : public BackendTest {};

TEST_P(UidTest, AKnownUidIsSkippedAndTheBatchStillSucceeds) {
  std::string error;
  ASSERT_TRUE(store_->insert_observations(
      std::vector{with_uid(1000, "u-a", "first"), with_uid(1001, "u-b", "first"),
                  with_uid(1002, "", "no-uid"), with_uid(1003, "", "no-uid")},
      error))
      << error;
  // A replay: u-b again (skipped), u-c new, u-c twice in the batch (the first kept), and rows
  // without uid always stored.
  ASSERT_TRUE(store_->insert_observations(
      std::vector{with_uid(2000, "u-b", "replayed"), with_uid(2001, "u-c", "second"),
                  with_uid(2002, "u-c", "duplicate-in-batch"), with_uid(2003, "", "no-uid")},
      error))
      << error;
  EXPECT_EQ(store_->observation_count(), 6u);
  EXPECT_TRUE(store_->observations({.client = "replayed"}).empty());
  EXPECT_TRUE(store_->observations({.client = "duplicate-in-batch"}).empty());
  EXPECT_EQ(store_->observations({.client = "second"}).size(), 1u);
  EXPECT_EQ(store_->observations({.client = "no-uid"}).size(), 3u);
  // The hourly counts count only the rows stored: 6, with no client "replayed".
  const Stats s = store_->stats({.since_ms = 0});
  EXPECT_EQ(s.total, 6u);
  for (const Counted& c : s.top_clients) EXPECT_NE(c.value, "replayed");
  EXPECT_EQ(value("SELECT COUNT(*) FROM observations WHERE uid IS NULL"), "3");
  EXPECT_EQ(store_->errors(), 0u);
}

TEST_P(UidTest, ABatchOfOnlyKnownUidsStoresNothingAndSucceeds) {
  std::string error;
  const std::vector batch = {with_uid(1000, "u-a", "x"), with_uid(1001, "u-b", "x")};
  ASSERT_TRUE(store_->insert_observations(batch, error)) << error;
  ASSERT_TRUE(store_->insert_observations(batch, error)) << error;
  EXPECT_EQ(store_->observation_count(), 2u);
  EXPECT_EQ(store_->stats({.since_ms = 0}).total, 2u);
}

class ConcurrentOpenTest : public BackendTest {};

// Several openers at once (threads here; to the database each is a client of its own, as
// replicas are): every open succeeds, each migration is recorded once, the profiles are seeded
// once.
TEST_P(ConcurrentOpenTest, SeveralOpenersMigrateAndSeedOnce) {
  store_.reset();
  // A fresh database for the race: the fixture's is already migrated.
  TempDir dir;
  std::unique_ptr<PostgresDatabase> database;
  StoreOptions o;
  o.sqlite_file = database_path(dir.path());
  if (postgres()) {
    database = std::make_unique<PostgresDatabase>();
    ASSERT_FALSE(database->url().empty());
    o.backend = std::string(kPostgresBackend);
    o.postgres_url = database->url();
  }
  constexpr int kOpeners = 6;
  std::vector<std::unique_ptr<Store>> stores(kOpeners);
  std::vector<std::string> errors(kOpeners);
  std::vector<size_t> seeded(kOpeners);
  identify::Profile p;
  p.id = "only-one";
  p.name = "curl";
  const std::vector<identify::Profile> profiles = {p};
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < kOpeners; ++i) {
      threads.emplace_back([&, i] {
        stores[i] = open_store(o, errors[i]);
        if (stores[i]) seeded[i] = stores[i]->seed_profiles(profiles);
      });
    }
    for (std::thread& t : threads) t.join();
  }
  size_t total_seeded = 0;
  for (int i = 0; i < kOpeners; ++i) {
    ASSERT_NE(stores[i], nullptr) << errors[i];
    EXPECT_EQ(stores[i]->schema_version(), stores[0]->schema_version());
    total_seeded += seeded[i];
  }
  EXPECT_EQ(total_seeded, 1u);
  EXPECT_EQ(stores[0]->all_profiles().size(), 1u);
  const std::string count_sql = "SELECT COUNT(*) FROM schema_migrations";
  const std::string recorded = postgres() ? pg_query(database->url(), count_sql).value_or("")
                                          : raw_value(o.sqlite_file, count_sql);
  EXPECT_EQ(recorded, std::to_string(stores[0]->schema_version()));
  for (const auto& s : stores) EXPECT_EQ(s->errors(), 0u);
}

FP_STORE_BACKENDS(UidTest);
FP_STORE_BACKENDS(ConcurrentOpenTest);

// --- PostgreSQL only

StoreOptions postgres_options(std::string url, size_t pool = 4) {
  StoreOptions o;
  o.backend = std::string(kPostgresBackend);
  o.postgres_url = std::move(url);
  o.postgres_pool = pool;
  return o;
}

constexpr const char* kPassword = "pw-Secret-4711";

// Privileged and unused on test machines: a connection is refused at once.
int closed_port() { return 1; }

TEST(PostgresErrors, ThePasswordNeverAppearsInAnError) {
  std::vector<std::string> urls = {
      "postgresql://fp:" + std::string(kPassword) + "@127.0.0.1:" + std::to_string(closed_port()) +
          "/fp",
      "postgresql://fp:" + std::string(kPassword) + "@127.0.0.1:5432/fp?bogus_option=1",
      "postgresql://fp:" + std::string(kPassword) + "@[::1/fp",  // unreadable
      "host=127.0.0.1 port=" + std::to_string(closed_port()) + " password=" + kPassword,
  };
  if (!postgres_server_url().empty()) {  // a live server, a database that does not exist
    std::string url = with_database(postgres_server_url(), "no_such_database");
    url.insert(url.find('@'), std::string(":") + kPassword);
    urls.push_back(url);
  }
  for (const std::string& url : urls) {
    std::string error;
    const auto store = open_store(postgres_options(url), error);
    EXPECT_EQ(store, nullptr) << url;
    EXPECT_FALSE(error.empty()) << url;
    EXPECT_EQ(error.find(kPassword), std::string::npos) << error;
    EXPECT_EQ(describe_postgres_url(url).find(kPassword), std::string::npos);
    std::string problem;
    (void)valid_postgres_url(url, problem);
    EXPECT_EQ(problem.find(kPassword), std::string::npos) << problem;
  }
}

TEST(PostgresErrors, AnUnreachableServerFailsWithinTheConnectTimeout) {
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  // 192.0.2.1 (TEST-NET-1) never answers: only the connect timeout ends the wait.
  const auto store = open_store(postgres_options("postgresql://fp@192.0.2.1:5432/fp"), error);
  EXPECT_EQ(store, nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(kPgConnectTimeoutS + 3));
  EXPECT_NE(error.find("fp@192.0.2.1:5432/fp"), std::string::npos) << error;
}

// Needs control of the server: FP_TEST_POSTGRES_CTL is a command taking start, stop, kill
// (tests/support/backends.py sets it).
class PostgresRestartTest : public ::testing::TestWithParam<const char*> {
 protected:
  static bool control(const std::string& action) {
    const char* ctl = std::getenv("FP_TEST_POSTGRES_CTL");
    return ctl != nullptr && std::system((std::string(ctl) + " " + action).c_str()) == 0;
  }
};

TEST_P(PostgresRestartTest, TheStoreRecoversByItselfWhenTheServerIsBack) {
  if (postgres_server_url().empty() || std::getenv("FP_TEST_POSTGRES_CTL") == nullptr) {
    GTEST_SKIP() << "needs FP_TEST_POSTGRES_URL and FP_TEST_POSTGRES_CTL (backends.py)";
  }
  PostgresDatabase database;
  ASSERT_FALSE(database.url().empty());
  std::string error;
  auto store = open_store(postgres_options(database.url(), 2), error);
  ASSERT_NE(store, nullptr) << error;
  ASSERT_TRUE(store->insert_observations(std::vector{with_uid(1, "before", "a")}, error)) << error;
  // Both pool connections open and idle when the server goes.
  std::thread other([&] { (void)store->observation_count(); });
  (void)store->observation_count();
  other.join();

  ASSERT_TRUE(control(GetParam()));  // "stop" (fast shutdown) or "kill" (SIGKILL)
  const auto start = std::chrono::steady_clock::now();
  const uint64_t errors_before = store->errors();
  EXPECT_FALSE(store->insert_observations(std::vector{with_uid(2, "down", "b")}, error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(store->healthy(error));
  EXPECT_EQ(store->observation_count(), 0u);  // nothing readable: empty, counted
  EXPECT_TRUE(store->observations({}).empty());
  EXPECT_GT(store->errors(), errors_before);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  ASSERT_TRUE(control("start"));
  EXPECT_TRUE(store->healthy(error)) << error;
  EXPECT_TRUE(store->insert_observations(std::vector{with_uid(3, "after", "c")}, error)) << error;
  EXPECT_EQ(store->observation_count(), 2u);
  // Every connection of the pool works again, not only the first one tried.
  std::vector<std::thread> readers;
  std::atomic<int> good{0};
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      std::string e;
      if (store->healthy(e) && store->observations({}).size() == 2) ++good;
    });
  }
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(good.load(), 4);
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresRestartTest, ::testing::Values("stop", "kill"));

}  // namespace
}  // namespace fp::store::test
