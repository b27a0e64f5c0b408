#include "store/observation_writer.h"

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <string>

namespace fp::store {
namespace {

// 16 random hex digits: the first half of every uid this writer gives. The kernel's randomness
// makes two writers (two replicas, or one process before and after a restart) collide with
// probability 2^-64 per pair; if getrandom fails, the pid and the clock still differ.
std::string random_uid_prefix() {
  uint64_t bits = 0;
  if (getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) {
    const auto now = std::chrono::system_clock::now().time_since_epoch().count();
    bits = static_cast<uint64_t>(now) * 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(getpid());
  }
  std::array<char, 16> hex{};
  const auto end = std::to_chars(hex.data(), hex.data() + hex.size(), bits, 16).ptr;
  const std::string digits(hex.data(), end);
  return std::string(16 - digits.size(), '0') + digits;
}

}  // namespace

ObservationWriter::ObservationWriter(Store& store, size_t capacity,
                                     std::chrono::milliseconds interval, size_t batch)
    : ObservationWriter(store, nullptr,
                        WriterOptions{.capacity = capacity, .interval = interval, .batch = batch}) {
}

ObservationWriter::ObservationWriter(Store& store, std::unique_ptr<Spool> spool,
                                     const WriterOptions& options)
    : store_(store),
      spool_(std::move(spool)),
      capacity_(std::max<size_t>(options.capacity, 1)),
      interval_(options.interval),
      batch_(std::max<size_t>(options.batch, 1)),
      uid_prefix_(spool_ ? random_uid_prefix() : std::string()) {
  if (spool_) {
    // A previous run's rows come first, read back like an overflow.
    read_seq_ = spool_->begin_seq();
    appended_end_ = spool_->end_seq();
    overflowing_ = read_seq_ < appended_end_;
    replayed_ = appended_end_ - read_seq_;
    submitted_ = replayed_;
  }
  thread_ = std::thread([this] { run(); });
}

ObservationWriter::~ObservationWriter() { stop(); }

std::string ObservationWriter::next_uid() {
  const uint64_t n = uid_counter_.fetch_add(1, std::memory_order_relaxed);
  std::array<char, 16> hex{};
  const auto end = std::to_chars(hex.data(), hex.data() + hex.size(), n, 16).ptr;
  const std::string digits(hex.data(), end);
  return uid_prefix_ + std::string(16 - digits.size(), '0') + digits;
}

bool ObservationWriter::submit(ObservationRow row) {
  if (spool_) return submit_spooled(std::move(row));
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() + in_flight_ >= capacity_) {
    lock.unlock();
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  queue_.push_back({std::move(row), 0});
  ++submitted_;
  // The thread sleeps while the queue is empty, then up to interval_ for a batch to fill: only
  // those two moments need it woken.
  const bool wake = queue_.size() == 1 || queue_.size() == batch_;
  lock.unlock();
  if (wake) wake_.notify_one();
  return true;
}

bool ObservationWriter::submit_spooled(ObservationRow row) {
  if (row.uid.empty()) row.uid = next_uid();
  const std::string line = Spool::encode(row);  // the costly part, outside the lock
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  // Appending under mutex_ gives rows their spool order in the order they enter the queue.
  uint64_t seq = 0;
  if (spool_->append_line(line, seq) != AppendStatus::kAppended) {
    lock.unlock();
    spool_refused_.fetch_add(1, std::memory_order_relaxed);
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  spooled_.fetch_add(1, std::memory_order_relaxed);
  appended_end_ = seq + 1;
  ++submitted_;
  bool wake = false;
  if (!overflowing_ && queue_.size() + in_flight_ < capacity_) {
    queue_.push_back({std::move(row), seq});
    wake = queue_.size() == 1 || queue_.size() == batch_;
  } else {
    if (!overflowing_) {
      overflowing_ = true;
      read_seq_ = seq;
    }
    overflowed_.fetch_add(1, std::memory_order_relaxed);
    wake = queue_.empty() && in_flight_ == 0;
  }
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
  const uint64_t in_spool_only = overflowing_ ? appended_end_ - read_seq_ : 0;
  return queue_.size() + in_flight_ + static_cast<size_t>(in_spool_only);
}

bool ObservationWriter::refill(std::unique_lock<std::mutex>& lock) {
  while (overflowing_ && queue_.size() + in_flight_ < capacity_) {
    const size_t room = std::min(batch_, capacity_ - queue_.size() - in_flight_);
    const uint64_t from = read_seq_;
    lock.unlock();  // submit() appends meanwhile; it only moves appended_end_
    SpoolRead read = spool_->read(from, room);
    lock.lock();
    for (size_t i = 0; i < read.rows.size(); ++i) {
      queue_.push_back({std::move(read.rows[i]), read.first_seq + i});
    }
    // Rows the spool cannot give back (its files changed behind it) are lost; a read that
    // makes no progress without an error is treated the same, so the thread cannot spin.
    uint64_t missing = read.missing;
    if (!read.failed && read.rows.empty() && read.next_seq <= from) {
      missing = appended_end_ - from;
      read.next_seq = appended_end_;
    }
    lost_.fetch_add(missing, std::memory_order_relaxed);
    finished_ += missing;
    read_seq_ = read.next_seq;
    if (read_seq_ >= appended_end_) overflowing_ = false;
    if (read.failed) return false;
  }
  return true;
}

std::vector<ObservationRow> ObservationWriter::take_batch(uint64_t& end_seq) {
  const size_t n = std::min(batch_, queue_.size());
  std::vector<ObservationRow> rows;
  rows.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    rows.push_back(std::move(queue_.front().row));
    end_seq = queue_.front().seq + 1;
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

void ObservationWriter::finish_batch(size_t rows, uint64_t end_seq, bool committed,
                                     std::unique_lock<std::mutex>& lock) {
  if (committed) {
    written_.fetch_add(rows, std::memory_order_relaxed);
    if (spool_) {
      lock.unlock();  // deleting a segment is file system work: not while submit() waits
      spool_->mark_committed(end_seq);
      lock.lock();
    }
  } else {
    (spool_ ? kept_ : lost_).fetch_add(rows, std::memory_order_relaxed);
  }
  in_flight_ = 0;
  finished_ += rows;
}

void ObservationWriter::give_up_rest() {
  const uint64_t in_spool_only = overflowing_ ? appended_end_ - read_seq_ : 0;
  const uint64_t rest = queue_.size() + in_spool_only;
  (spool_ ? kept_ : lost_).fetch_add(rest, std::memory_order_relaxed);
  finished_ += rest;
  queue_.clear();
  overflowing_ = false;
  read_seq_ = appended_end_;
}

void ObservationWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || backlog_in_spool(); });
    const bool read_ok = refill(lock);
    if (queue_.empty()) {
      settled_.notify_all();  // rows the spool could not give back count as finished
      if (stopping_ && (!backlog_in_spool() || !read_ok)) {
        give_up_rest();  // nothing, or what the spool cannot read now: it stays there
        settled_.notify_all();
        return;
      }
      if (!read_ok) {
        const bool was_stopping = stopping_;
        wake_.wait_for(lock, kMaxRetryDelay, [&] { return stopping_ != was_stopping; });
      }
      continue;
    }
    // A backlog in the spool means there is no point waiting for a batch to fill.
    wake_.wait_for(lock, interval_, [&] {
      return stopping_ || flush_waiters_ > 0 || queue_.size() >= batch_ || backlog_in_spool();
    });
    uint64_t end_seq = 0;
    const std::vector<ObservationRow> rows = take_batch(end_seq);
    const bool committed = commit(rows, lock);
    finish_batch(rows.size(), end_seq, committed, lock);
    if (!committed) give_up_rest();
    settled_.notify_all();
    if (!committed) return;  // stopping, and the database still fails
  }
}

}  // namespace fp::store
