// The background writer: nothing acknowledged is lost, a full queue drops and counts, flush()
// waits, readers run while it writes, and a failing database is retried. With a spool: rows
// survive a killed process and a database outage, exactly once and in order; a full spool
// refuses and counts; rows beyond the queue's capacity are read back from the spool.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/observation_writer.h"
#include "store/store_fixture.h"

namespace fp::store::test {
namespace {

using namespace std::chrono_literals;

ObservationRow row(int64_t time_ms, std::string client) {
  ObservationRow r;
  r.time_ms = time_ms;
  r.source = "api";
  r.ja4 = "t13d1516h2_8daaf6152771_02713d6af862";
  r.client = std::move(client);
  r.record = "{}";
  return r;
}

// The writer's own tests run on SQLite, whose triggers inject failures (install_insert_failure);
// the PostgreSQL outage is the lead's failure test with a real server stopped.
class WriterTest : public StoreTest {};  // a SQLite store in a temporary folder

TEST_F(WriterTest, TenThousandRowsFromFourThreadsAreAllCommittedByStop) {
  ObservationWriter writer(*store_);
  std::vector<std::thread> threads;
  std::atomic<int> refused = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2500; ++i) {
        if (!writer.submit(row(i, "thread-" + std::to_string(t)))) ++refused;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  writer.stop();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(writer.written(), 10000u);
  EXPECT_EQ(writer.dropped(), 0u);
  EXPECT_EQ(writer.depth(), 0u);
  EXPECT_EQ(store_->observation_count(), 10000u);
  const Stats s = store_->stats({.top = 10});
  ASSERT_EQ(s.top_clients.size(), 4u);
  for (const Counted& c : s.top_clients) EXPECT_EQ(c.count, 2500u) << c.value;
}

TEST_F(WriterTest, AFullQueueRefusesAndCounts) {
  // A long interval and a big batch: nothing is taken off the queue until stop().
  ObservationWriter writer(*store_, 10, 60s, 1000);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(writer.submit(row(i, ""))) << i;
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(writer.submit(row(i, "")));
  EXPECT_EQ(writer.dropped(), 5u);
  EXPECT_EQ(writer.depth(), 10u);
  const auto started = std::chrono::steady_clock::now();
  writer.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);  // stop does not sit out the 60 s
  EXPECT_EQ(writer.written(), 10u);
  EXPECT_EQ(store_->observation_count(), 10u);
  EXPECT_FALSE(writer.submit(row(0, "")));  // stopped
  EXPECT_EQ(writer.dropped(), 6u);
}

TEST_F(WriterTest, FlushWaitsForWhatWasSubmitted) {
  ObservationWriter writer(*store_, 1000, 60s, 1000);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer.submit(row(i, "")));
  EXPECT_EQ(store_->observation_count(), 0u);  // the 60 s interval has not passed
  const auto started = std::chrono::steady_clock::now();
  writer.flush();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(store_->observation_count(), 5u);
  EXPECT_EQ(writer.written(), 5u);
  writer.flush();  // nothing pending: returns at once
  ASSERT_TRUE(writer.submit(row(9, "")));
  writer.flush();
  EXPECT_EQ(store_->observation_count(), 6u);
}

TEST_F(WriterTest, CommitsWithinTheIntervalWithoutAFlush) {
  ObservationWriter writer(*store_, 1000, 20ms, 1000);
  ASSERT_TRUE(writer.submit(row(1, "")));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (store_->observation_count() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(store_->observation_count(), 1u);
}

TEST_F(WriterTest, ReadersRunWhileItWrites) {
  ObservationWriter writer(*store_, 65536, 5ms, 256);
  std::atomic<bool> done = false;
  std::atomic<int> bad = 0, reads = 0;
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      uint64_t last_count = 0;
      while (!done) {
        const uint64_t count = store_->observation_count();
        if (count < last_count) ++bad;  // committed rows never disappear
        last_count = count;
        const std::vector<ObservationRow> page = store_->observations({.limit = 50});
        for (size_t i = 1; i < page.size(); ++i) {
          if (page[i].id >= page[i - 1].id) ++bad;
        }
        const Stats s = store_->stats({});
        uint64_t in_series = 0;
        for (const auto& bucket : s.series) in_series += bucket.second;
        if (in_series != s.total) ++bad;  // one snapshot for the whole of stats()
        ++reads;
      }
    });
  }
  for (int i = 0; i < 20000; ++i) {
    while (!writer.submit(row(i * 1000, "c"))) std::this_thread::yield();
  }
  writer.stop();
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 3);
  EXPECT_EQ(store_->observation_count(), 20000u);
  EXPECT_EQ(store_->errors(), 0u);
}

TEST_F(WriterTest, AFailingDatabaseIsRetriedAndNothingIsLost) {
  ASSERT_TRUE(install_insert_failure(file_));
  store_->set_setting("test.fail", "1");
  ObservationWriter writer(*store_, 1000, 1ms, 10);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(writer.submit(row(i, "")));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (writer.failed_batches() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GE(writer.failed_batches(), 3u);
  EXPECT_EQ(writer.depth(), 100u);
  EXPECT_EQ(store_->observation_count(), 0u);
  ASSERT_TRUE(raw_sql(file_, "DELETE FROM settings WHERE key = 'test.fail'"));
  writer.flush();
  EXPECT_EQ(store_->observation_count(), 100u);
  EXPECT_EQ(writer.written(), 100u);
  EXPECT_EQ(writer.lost(), 0u);
  EXPECT_EQ(writer.dropped(), 0u);
}

TEST_F(WriterTest, StopOnAFailingDatabaseGivesUpAfterBoundedRetries) {
  ASSERT_TRUE(install_insert_failure(file_));
  store_->set_setting("test.fail", "1");
  ObservationWriter writer(*store_, 1000, 1ms, 4);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer.submit(row(i, "")));
  const auto started = std::chrono::steady_clock::now();
  writer.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
  EXPECT_EQ(writer.lost(), 10u);
  EXPECT_EQ(writer.written(), 0u);
  EXPECT_GE(writer.failed_batches(), static_cast<uint64_t>(kMaxStopRetries));
  writer.flush();  // everything is settled: returns at once
}

// --- with a spool

ObservationRow numbered(int i) {
  ObservationRow r = row(i, "row-" + std::to_string(i));
  r.peer = "192.0.2.1";
  r.record = R"({"n":)" + std::to_string(i) + "}";
  return r;
}

std::unique_ptr<Spool> open_spool(const std::filesystem::path& folder,
                                  size_t max_bytes = kDefaultSpoolMaxBytes) {
  std::string error;
  auto spool = Spool::open({.folder = folder, .max_bytes = max_bytes}, error);
  EXPECT_NE(spool, nullptr) << error;
  return spool;
}

size_t spool_files(const std::filesystem::path& folder) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    n += entry.path().extension() == ".ndjson";
  }
  return n;
}

class SpoolWriterTest : public WriterTest {
 protected:
  std::filesystem::path spool_dir() const { return dir_.path() / "spool"; }

  // The clients of every stored row, oldest id first.
  std::vector<std::string> stored_clients() const {
    std::vector<ObservationRow> page = store_->observations({.limit = kMaxObservationsPerQuery});
    std::vector<std::string> clients;
    for (auto it = page.rbegin(); it != page.rend(); ++it) clients.push_back(it->client);
    return clients;
  }
  static std::vector<std::string> expected_clients(int n) {
    std::vector<std::string> clients;
    for (int i = 0; i < n; ++i) clients.push_back("row-" + std::to_string(i));
    return clients;
  }
  void wait_for_failed_batches(const ObservationWriter& writer, uint64_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (writer.failed_batches() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
    ASSERT_GE(writer.failed_batches(), n);
  }
};

TEST_F(SpoolWriterTest, RowsAreSpooledCommittedAndTheFilesGo) {
  ObservationWriter writer(*store_, open_spool(spool_dir()), {.interval = 1ms});
  EXPECT_EQ(writer.replayed(), 0u);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(writer.submit(numbered(i)));
  writer.flush();
  EXPECT_EQ(writer.spooled(), 300u);
  EXPECT_EQ(writer.written(), 300u);
  EXPECT_EQ(writer.overflowed(), 0u);
  EXPECT_EQ(stored_clients(), expected_clients(300));
  // Everything committed: no segment is left, and the rows got uids of their own.
  EXPECT_EQ(writer.spool_bytes(), 0u);
  EXPECT_EQ(spool_files(spool_dir()), 0u);
  EXPECT_EQ(raw_value(file_, "SELECT COUNT(DISTINCT uid) FROM observations"), "300");
  EXPECT_EQ(raw_value(file_, "SELECT MIN(LENGTH(uid)) FROM observations"), "32");
}

// The child submits rows and is killed the moment the last submit returns; a new writer on the
// same spool must then leave exactly those rows in the database, once each.
void submit_then_die(const std::filesystem::path& database, const std::filesystem::path& folder,
                     int rows, const WriterOptions& options) {
  std::string error;
  std::unique_ptr<Store> store = Store::open(database, error);
  std::unique_ptr<Spool> spool = Spool::open({.folder = folder}, error);
  if (!store || !spool) _exit(2);
  // Leaked on purpose: the process dies with its thread running, as a kill -9 would find it.
  auto* writer = new ObservationWriter(*store, std::move(spool), options);
  for (int i = 0; i < rows; ++i) {
    if (!writer->submit(numbered(i))) _exit(3);
  }
  raise(SIGKILL);
  _exit(4);
}

void expect_killed(pid_t child) {
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

class KilledWriterTest : public ::testing::TestWithParam<int> {};

TEST_P(KilledWriterTest, RowsOfAKilledProcessAreWrittenOnceByTheNextOne) {
  // 0: nothing committed before the kill (a 60 s interval, room for every row in memory);
  // 1: rows overflow to the spool, some batches are committed and marked, some not.
  const WriterOptions options =
      GetParam() == 0 ? WriterOptions{.capacity = 1000, .interval = 60s, .batch = 1000}
                      : WriterOptions{.capacity = 64, .interval = 1ms, .batch = 16};
  TempDir dir;
  const auto database = database_path(dir.path()), folder = dir.path() / "spool";
  constexpr int kRows = 500;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) submit_then_die(database, folder, kRows, options);
  expect_killed(child);

  std::string error;
  std::unique_ptr<Store> store = Store::open(database, error);
  ASSERT_NE(store, nullptr) << error;
  const uint64_t before = store->observation_count();
  if (GetParam() == 0) {
    EXPECT_EQ(before, 0u);
  }
  {
    ObservationWriter writer(*store, open_spool(folder), {.interval = 1ms});
    // Some rows may have been committed (and their segments deleted) before the kill.
    EXPECT_LE(writer.replayed(), static_cast<uint64_t>(kRows));
    if (GetParam() == 0) {
      EXPECT_EQ(writer.replayed(), static_cast<uint64_t>(kRows));
    }
    writer.flush();
    EXPECT_EQ(writer.lost(), 0u);
  }
  EXPECT_EQ(store->observation_count(), static_cast<uint64_t>(kRows));
  EXPECT_EQ(raw_value(database, "SELECT COUNT(DISTINCT client) FROM observations"),
            std::to_string(kRows));
  EXPECT_EQ(spool_files(folder), 0u);
}

INSTANTIATE_TEST_SUITE_P(Spool, KilledWriterTest, ::testing::Values(0, 1));

TEST_F(SpoolWriterTest, AnOutageOverflowsToTheSpoolAndRecoveryWritesEverythingOnceInOrder) {
  ASSERT_TRUE(install_insert_failure(file_));
  store_->set_setting("test.fail", "1");
  ObservationWriter writer(*store_, open_spool(spool_dir()),
                           {.capacity = 50, .interval = 1ms, .batch = 20});
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(writer.submit(numbered(i))) << i;
  wait_for_failed_batches(writer, 2);
  EXPECT_EQ(store_->observation_count(), 0u);
  EXPECT_EQ(writer.depth(), 600u);
  EXPECT_EQ(writer.overflowed(), 550u);  // the queue holds 50; the rest is only on disk
  EXPECT_EQ(writer.dropped(), 0u);
  EXPECT_GT(writer.spool_bytes(), 0u);
  ASSERT_TRUE(raw_sql(file_, "DELETE FROM settings WHERE key = 'test.fail'"));
  writer.flush();
  EXPECT_EQ(writer.written(), 600u);
  EXPECT_EQ(writer.lost(), 0u);
  EXPECT_EQ(writer.depth(), 0u);
  EXPECT_EQ(stored_clients(), expected_clients(600));
  EXPECT_EQ(writer.spool_bytes(), 0u);
}

TEST_F(SpoolWriterTest, OverflowBeyondCapacityIsReadBackWithoutAnOutage) {
  // A 60 s interval: without the overflow the thread would sit on the first rows.
  ObservationWriter writer(*store_, open_spool(spool_dir()),
                           {.capacity = 4, .interval = 60s, .batch = 1000});
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(writer.submit(numbered(i)));
  // The fifth row cannot have found room: the thread takes nothing before the overflow starts.
  EXPECT_GT(writer.overflowed(), 0u);
  const auto started = std::chrono::steady_clock::now();
  writer.flush();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(stored_clients(), expected_clients(200));
  EXPECT_EQ(writer.dropped(), 0u);
}

TEST_F(SpoolWriterTest, AFullSpoolRefusesAndCounts) {
  ASSERT_TRUE(install_insert_failure(file_));
  store_->set_setting("test.fail", "1");
  const size_t line = Spool::encode([] {
                        ObservationRow r = numbered(0);
                        r.uid.assign(32, '0');
                        return r;
                      }())
                          .size();
  ObservationWriter writer(*store_, open_spool(spool_dir(), line * 10 + line / 2),
                           {.capacity = 1000, .interval = 1ms});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer.submit(numbered(i))) << i;
  for (int i = 10; i < 13; ++i) EXPECT_FALSE(writer.submit(numbered(i))) << i;
  EXPECT_EQ(writer.spool_refused(), 3u);
  EXPECT_EQ(writer.dropped(), 3u);
  EXPECT_EQ(writer.spooled(), 10u);
  EXPECT_LE(writer.spool_bytes(), line * 10 + line / 2);
  ASSERT_TRUE(raw_sql(file_, "DELETE FROM settings WHERE key = 'test.fail'"));
  writer.flush();
  EXPECT_EQ(stored_clients(), expected_clients(10));
  ASSERT_TRUE(writer.submit(numbered(10)));  // room again
}

TEST_F(SpoolWriterTest, StopWithTheDatabaseDownKeepsRowsForTheNextStart) {
  ASSERT_TRUE(install_insert_failure(file_));
  store_->set_setting("test.fail", "1");
  {
    ObservationWriter writer(*store_, open_spool(spool_dir()),
                             {.capacity = 8, .interval = 1ms, .batch = 4});
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(writer.submit(numbered(i)));
    const auto started = std::chrono::steady_clock::now();
    writer.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
    EXPECT_EQ(writer.kept_in_spool(), 40u);
    EXPECT_EQ(writer.lost(), 0u);
    EXPECT_EQ(writer.written(), 0u);
    writer.flush();  // settled: returns at once
  }
  ASSERT_TRUE(raw_sql(file_, "DELETE FROM settings WHERE key = 'test.fail'"));
  ObservationWriter writer(*store_, open_spool(spool_dir()), {.interval = 1ms});
  EXPECT_EQ(writer.replayed(), 40u);
  writer.flush();
  EXPECT_EQ(stored_clients(), expected_clients(40));
}

TEST_F(SpoolWriterTest, ATornLastLineIsSkippedAndTheRestReplayed) {
  std::filesystem::create_directories(spool_dir());
  {
    std::ofstream out(spool_dir() / "segment-0000000000000001.ndjson", std::ios::binary);
    ObservationRow a = numbered(0), b = numbered(1), c = numbered(2);
    a.uid = "a";
    b.uid = "b";
    c.uid = "c";
    const std::string torn = Spool::encode(c);
    out << Spool::encode(a) << Spool::encode(b) << torn.substr(0, torn.size() - 10);
  }
  ObservationWriter writer(*store_, open_spool(spool_dir()), {.interval = 1ms});
  EXPECT_EQ(writer.replayed(), 2u);
  EXPECT_EQ(writer.torn_lines(), 1u);
  writer.flush();
  EXPECT_EQ(stored_clients(), expected_clients(2));
  // The torn segment went with its last row: nothing is replayed twice.
  EXPECT_EQ(spool_files(spool_dir()), 0u);
}

TEST_F(SpoolWriterTest, ReplayAfterACommitThatTheSpoolNeverHeardOfWritesNoDuplicates) {
  // A crash between a batch's commit and its segment's deletion: the rows are in both places.
  {
    auto spool = open_spool(spool_dir());
    std::vector<ObservationRow> rows;
    for (int i = 0; i < 10; ++i) {
      rows.push_back(numbered(i));
      rows.back().uid = "crash-" + std::to_string(i);
      uint64_t seq = 0;
      ASSERT_EQ(spool->append(rows.back(), seq), AppendStatus::kAppended);
    }
    std::string error;
    ASSERT_TRUE(store_->insert_observations({rows.data(), 6}, error)) << error;
  }
  ObservationWriter writer(*store_, open_spool(spool_dir()), {.interval = 1ms});
  EXPECT_EQ(writer.replayed(), 10u);
  writer.flush();
  EXPECT_EQ(writer.written(), 10u);  // the store skipped the six it had
  EXPECT_EQ(stored_clients(), expected_clients(10));
}

TEST_F(SpoolWriterTest, ManyThreadsKeepEveryRowExactlyOnce) {
  ObservationWriter writer(*store_, open_spool(spool_dir()),
                           {.capacity = 100, .interval = 1ms, .batch = 64});
  std::vector<std::thread> threads;
  std::atomic<int> refused = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        if (!writer.submit(row(i, "thread-" + std::to_string(t)))) ++refused;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  writer.stop();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(writer.written(), 4000u);
  EXPECT_EQ(store_->observation_count(), 4000u);
  EXPECT_EQ(raw_value(file_, "SELECT COUNT(DISTINCT uid) FROM observations"), "4000");
  const Stats s = store_->stats({.top = 10});
  ASSERT_EQ(s.top_clients.size(), 4u);
  for (const Counted& c : s.top_clients) EXPECT_EQ(c.count, 1000u) << c.value;
}

}  // namespace
}  // namespace fp::store::test
