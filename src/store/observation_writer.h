#pragma once
// Takes observation writes off the request path: submit() queues a row and returns at once; a
// thread commits the queue in batches (one transaction each) every `interval`, or sooner when
// `batch` rows wait. The queue is bounded: when `capacity` rows wait (rows being committed
// count), submit() refuses the row and counts it in dropped().
//
// A failed commit (disk full, database locked by another process) is counted in
// failed_batches() and the same batch retried with back-off (kFirstRetryDelay doubling up to
// kMaxRetryDelay); meanwhile the queue keeps accepting rows up to `capacity`, so nothing
// acknowledged is lost while the failure is passing. stop() drains every row submitted before
// it, then joins; only if the database keeps failing after stop() was called (kMaxStopRetries
// attempts for one batch) are the remaining rows given up, counted in lost(), so that shutdown
// cannot hang on a broken disk. The store must outlive the writer.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.h"

namespace fp::store {

inline constexpr std::chrono::milliseconds kFirstRetryDelay{10};
inline constexpr std::chrono::milliseconds kMaxRetryDelay{1000};
inline constexpr int kMaxStopRetries = 5;

class ObservationWriter {
 public:
  ObservationWriter(Store& store, size_t capacity = 65536,
                    std::chrono::milliseconds interval = std::chrono::milliseconds(50),
                    size_t batch = 512);
  ObservationWriter(const ObservationWriter&) = delete;
  ObservationWriter& operator=(const ObservationWriter&) = delete;
  ~ObservationWriter();  // stop()

  // Never blocks on the database. False when the queue is full or the writer is stopped (both
  // counted in dropped()).
  [[nodiscard]] bool submit(ObservationRow row);
  // Waits until every row submitted before the call is committed (or, after stop() on a failing
  // database, given up).
  void flush();
  // Drains the queue and joins the thread; later submits are refused. Safe to call twice.
  void stop();

  [[nodiscard]] size_t depth() const;  // rows waiting or being committed
  [[nodiscard]] uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t failed_batches() const {
    return failed_batches_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t lost() const { return lost_.load(std::memory_order_relaxed); }

 private:
  void run();
  // Takes up to batch_ rows off the queue; called with mutex_ held.
  std::vector<ObservationRow> take_batch();
  // Commits `rows`, retrying; false when they were given up (stopping and still failing).
  bool commit(const std::vector<ObservationRow>& rows, std::unique_lock<std::mutex>& lock);

  Store& store_;
  const size_t capacity_;
  const std::chrono::milliseconds interval_;
  const size_t batch_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;     // the thread waits for rows, a flush or stop
  std::condition_variable settled_;  // flush() waits for the thread's progress
  std::deque<ObservationRow> queue_;
  size_t in_flight_ = 0;
  uint64_t submitted_ = 0;  // rows accepted, ever
  uint64_t finished_ = 0;   // rows committed or given up, ever; catches up with submitted_
  size_t flush_waiters_ = 0;
  bool stopping_ = false;

  std::atomic<uint64_t> written_{0}, dropped_{0}, failed_batches_{0}, lost_{0};

  std::mutex join_mutex_;  // two stop() calls must not both join
  std::thread thread_;     // last: starts once every member above exists
};

}  // namespace fp::store
