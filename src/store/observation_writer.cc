#include "store/observation_writer.h"

#include <algorithm>
#include <string>

namespace fp::store {

ObservationWriter::ObservationWriter(Store& store, size_t capacity,
                                     std::chrono::milliseconds interval, size_t batch)
    : store_(store),
      capacity_(std::max<size_t>(capacity, 1)),
      interval_(interval),
      batch_(std::max<size_t>(batch, 1)),
      thread_([this] { run(); }) {}

ObservationWriter::~ObservationWriter() { stop(); }

bool ObservationWriter::submit(ObservationRow row) {
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() + in_flight_ >= capacity_) {
    lock.unlock();
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  queue_.push_back(std::move(row));
  ++submitted_;
  // The thread sleeps while the queue is empty, then up to interval_ for a batch to fill: only
  // those two moments need it woken.
  const bool wake = queue_.size() == 1 || queue_.size() == batch_;
  lock.unlock();
  if (wake) wake_.notify_one();
  return true;
}

void ObservationWriter::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = submitted_;
  if (finished_ >= target) return;
  ++flush_waiters_;
  wake_.notify_one();
  settled_.wait(lock, [&] { return finished_ >= target; });
  --flush_waiters_;
}

void ObservationWriter::stop() {
  std::lock_guard join_lock(join_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

size_t ObservationWriter::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + in_flight_;
}

std::vector<ObservationRow> ObservationWriter::take_batch() {
  const size_t n = std::min(batch_, queue_.size());
  std::vector<ObservationRow> rows;
  rows.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    rows.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  in_flight_ = n;
  return rows;
}

bool ObservationWriter::commit(const std::vector<ObservationRow>& rows,
                               std::unique_lock<std::mutex>& lock) {
  std::chrono::milliseconds delay = kFirstRetryDelay;
  int failures_while_stopping = 0;
  for (;;) {
    lock.unlock();
    std::string error;
    const bool committed = store_.insert_observations(rows, error);
    lock.lock();
    if (committed) return true;
    failed_batches_.fetch_add(1, std::memory_order_relaxed);
    if (stopping_ && ++failures_while_stopping >= kMaxStopRetries) return false;
    // Woken early by stop(), so that shutdown does not sit out a long delay.
    const bool was_stopping = stopping_;
    wake_.wait_for(lock, delay, [&] { return stopping_ != was_stopping; });
    delay = std::min(delay * 2, kMaxRetryDelay);
  }
}

void ObservationWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is written
    wake_.wait_for(lock, interval_,
                   [&] { return stopping_ || flush_waiters_ > 0 || queue_.size() >= batch_; });
    const std::vector<ObservationRow> rows = take_batch();
    const bool committed = commit(rows, lock);
    (committed ? written_ : lost_).fetch_add(rows.size(), std::memory_order_relaxed);
    in_flight_ = 0;
    finished_ += rows.size();
    settled_.notify_all();
  }
}

}  // namespace fp::store
