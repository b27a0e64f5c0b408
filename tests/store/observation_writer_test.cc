// The background writer: nothing acknowledged is lost, a full queue drops and counts, flush()
// waits, readers run while it writes, and a failing database is retried.
#include <gtest/gtest.h>

#include <atomic>
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

class WriterTest : public StoreTest {};

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

}  // namespace
}  // namespace fp::store::test
