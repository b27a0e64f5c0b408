#pragma once
// Takes observation writes off the request path: submit() queues a row and returns at once; a
// thread commits the queue in batches (one transaction each) every `interval`, or sooner when
// `batch` rows wait. The queue in memory is bounded: `capacity` rows (rows being committed
// count).
//
// A failed commit (database down, disk full, locked by another process) is counted in
// failed_batches() and the same batch retried with back-off (kFirstRetryDelay doubling up to
// kMaxRetryDelay). stop() drains every row submitted before it, then joins; if the database
// keeps failing after stop() was called (kMaxStopRetries attempts for one batch), the rest is
// given up at once, so that shutdown cannot hang on a broken database. The store must outlive
// the writer.
//
// Without a spool, rows live in memory only: a full queue refuses (dropped()), rows given up by
// stop() are lost (lost()), and so is the queue if the process is killed.
//
// With a spool (spool.h), submit() gives the row a uid when it has none (unique across
// processes and restarts), appends it to the spool before returning, and refuses it when the
// spool does (counted in spool_refused() and dropped()). A full queue no longer refuses: the
// row is kept only in the spool (overflowed()) and read back, in order, when the queue has
// room, so an outage is bounded by the spool's bytes, not by memory. Committed rows are marked
// in the spool, which deletes whole segments. Rows found in the spool on construction (a
// previous run that was killed, or stopped while the database was down) are committed first
// (replayed()); the store skips uids it already has, so a row committed just before a crash is
// not written twice. Rows are committed in the order they were submitted. Rows that stop()
// gives up stay in the spool (kept_in_spool()), for the next start; lost() then counts only rows
// that could be neither committed nor read back from the spool.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/spool.h"
#include "store/store.h"

namespace fp::store {

inline constexpr std::chrono::milliseconds kFirstRetryDelay{10};
inline constexpr std::chrono::milliseconds kMaxRetryDelay{1000};
inline constexpr int kMaxStopRetries = 5;

struct WriterOptions {
  size_t capacity = 65536;  // rows in memory, waiting or being committed
  std::chrono::milliseconds interval{50};
  size_t batch = 512;
};

class ObservationWriter {
 public:
  ObservationWriter(Store& store, size_t capacity = 65536,
                    std::chrono::milliseconds interval = std::chrono::milliseconds(50),
                    size_t batch = 512);
  // `spool` may be null (then as above). Its rows from a previous run are replayed.
  ObservationWriter(Store& store, std::unique_ptr<Spool> spool, const WriterOptions& options);
  ObservationWriter(const ObservationWriter&) = delete;
  ObservationWriter& operator=(const ObservationWriter&) = delete;
  ~ObservationWriter();  // stop()

  // Never blocks on the database. False when the row was refused (counted in dropped()): the
  // writer is stopped, the queue is full (without a spool) or the spool refused it.
  [[nodiscard]] bool submit(ObservationRow row);
  // Waits until every row submitted before the call, and every row replayed from the spool, is
  // committed (or, after stop() on a failing database, given up).
  void flush();
  // Drains the queue (and the spool's backlog) and joins the thread; later submits are
  // refused. On a database still failing, see the header comment. Safe to call twice.
  void stop();

  // Rows waiting (in memory or only in the spool) or being committed.
  [[nodiscard]] size_t depth() const;
  [[nodiscard]] uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t failed_batches() const {
    return failed_batches_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t lost() const { return lost_.load(std::memory_order_relaxed); }

  // Spool counters; all 0 without a spool.
  [[nodiscard]] bool has_spool() const { return spool_ != nullptr; }
  [[nodiscard]] uint64_t spooled() const { return spooled_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t replayed() const { return replayed_; }  // rows found on construction
  [[nodiscard]] uint64_t spool_bytes() const { return spool_ ? spool_->bytes() : 0; }
  [[nodiscard]] uint64_t spool_refused() const {
    return spool_refused_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] uint64_t overflowed() const { return overflowed_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t kept_in_spool() const { return kept_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t torn_lines() const { return spool_ ? spool_->torn_lines() : 0; }
  [[nodiscard]] uint64_t corrupt_lines() const { return spool_ ? spool_->corrupt_lines() : 0; }
  [[nodiscard]] uint64_t spool_read_errors() const { return spool_ ? spool_->read_errors() : 0; }

 private:
  struct Pending {
    ObservationRow row;
    uint64_t seq = 0;  // in the spool
  };

  [[nodiscard]] bool submit_spooled(ObservationRow row);
  [[nodiscard]] std::string next_uid();
  void run();
  // The rest are with mutex_ held (`lock` is released around I/O).
  [[nodiscard]] bool backlog_in_spool() const { return overflowing_; }
  // Moves overflowed or replayed rows from the spool into the queue while it has room; false
  // when a read error stopped it (the rows stay in the spool, to be read again later).
  bool refill(std::unique_lock<std::mutex>& lock);
  // Takes up to batch_ rows off the queue; `end_seq` is one past the last row's spool seq.
  std::vector<ObservationRow> take_batch(uint64_t& end_seq);
  // Commits `rows`, retrying; false when they were given up (stopping and still failing).
  bool commit(const std::vector<ObservationRow>& rows, std::unique_lock<std::mutex>& lock);
  // Counts the batch; a committed one is marked in the spool (so its files can go).
  void finish_batch(size_t rows, uint64_t end_seq, bool committed,
                    std::unique_lock<std::mutex>& lock);
  // After a batch was given up while stopping: everything still waiting is given up too.
  void give_up_rest();

  Store& store_;
  const std::unique_ptr<Spool> spool_;
  const size_t capacity_;
  const std::chrono::milliseconds interval_;
  const size_t batch_;
  const std::string uid_prefix_;  // random per writer: uids are unique across processes
  std::atomic<uint64_t> uid_counter_{0};
  uint64_t replayed_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable wake_;     // the thread waits for rows, a flush or stop
  std::condition_variable settled_;  // flush() waits for the thread's progress
  std::deque<Pending> queue_;
  // With a spool: while overflowing_, rows read_seq_ .. appended_end_ - 1 are only in the spool
  // and every new row goes there too, so that the queue keeps submission order.
  bool overflowing_ = false;
  uint64_t read_seq_ = 0;
  uint64_t appended_end_ = 0;
  size_t in_flight_ = 0;
  uint64_t submitted_ = 0;  // rows accepted, ever
  uint64_t finished_ = 0;   // rows committed or given up, ever; catches up with submitted_
  size_t flush_waiters_ = 0;
  bool stopping_ = false;

  std::atomic<uint64_t> written_{0}, dropped_{0}, failed_batches_{0}, lost_{0};
  std::atomic<uint64_t> spooled_{0}, spool_refused_{0}, overflowed_{0}, kept_{0};

  std::mutex join_mutex_;  // two stop() calls must not both join
  std::thread thread_;     // last: starts once every member above exists
};

}  // namespace fp::store
