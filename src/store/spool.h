#pragma once
// A durable local journal of observation rows, so that rows accepted while the database is
// down, or queued when the process is killed, are written later instead of lost.
//
// Layout: a folder (the service uses STATE/spool) of segment files `segment-<16 hex>.ndjson`,
// oldest first, one row per line as a JSON object (spool_detail below). Rows get sequence numbers
// 0, 1, 2 ... in journal order: first the valid rows of the segments found on open (a previous
// run's), then every row appended. Appends go to the newest segment through one write(2) on an
// O_APPEND descriptor; a segment rolls when it reaches `segment_bytes`. mark_committed(n) says rows
// below n are in the database: a segment whose rows are all committed is deleted.
//
// Durability: no fsync per row. A write(2) that has returned is in the page cache, which
// survives the process being killed (kill -9, a crash) — the failure this spool promises to
// survive. Power loss or a kernel crash may lose what was written since the last sync, all of
// it by default. With `fsync_interval` set, an append calls fdatasync when the last sync is
// older than that (on the caller's thread), and a new segment's name is synced too; rows
// appended after the last sync remain at risk until the next append or close.
//
// Bounded: when the files would exceed `max_bytes`, append refuses (kFull, counted in
// refused()). A line longer than kMaxSpoolLineBytes is refused too (kTooLarge).
//
// Reading bad files never fails: on open, a last line without its newline (the process died
// during a write, or the disk filled) counts in torn_lines(), a line that is not a row counts in
// corrupt_lines(); both are skipped. Only one Spool may use a folder at a time (flock on
// `lock`); a second open fails. Thread safety: append() may be called from any thread;
// read() and mark_committed() from one consumer thread at a time.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace fp::store {

inline constexpr size_t kDefaultSpoolMaxBytes = 256u << 20;
inline constexpr size_t kDefaultSpoolSegmentBytes = 4u << 20;
// A line (one encoded row) longer than this is refused on append and skipped on read, so that a
// corrupt file cannot make the reader buffer without bound.
inline constexpr size_t kMaxSpoolLineBytes = 4u << 20;

struct SpoolOptions {
  std::filesystem::path folder;  // created when missing
  size_t max_bytes = kDefaultSpoolMaxBytes;
  size_t segment_bytes = kDefaultSpoolSegmentBytes;
  std::chrono::milliseconds fsync_interval{0};  // 0: never fsync (see the header comment)
};

enum class AppendStatus {
  kAppended,
  kFull,      // the files would exceed max_bytes
  kTooLarge,  // the row's line exceeds kMaxSpoolLineBytes
  kIoError,   // open/write failed (the file is left as it was)
};

struct SpoolRead {
  std::vector<ObservationRow> rows;  // rows first_seq, first_seq + 1, ...
  uint64_t first_seq = 0;
  uint64_t next_seq = 0;  // where the next read starts
  uint64_t missing = 0;   // rows that should have been there but could not be read (a file
                          // changed or removed behind the spool's back); skipped
  bool failed = false;    // a read error stopped it early (counted in read_errors()): try later
};

class Spool {
 public:
  // Opens (creating it if needed) and scans the folder. nullptr and `error` when the folder
  // cannot be created or listed, or another Spool holds it.
  static std::unique_ptr<Spool> open(const SpoolOptions& options, std::string& error);
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool();

  // Encodes a row as its line (with the newline); pure, may run outside any lock.
  [[nodiscard]] static std::string encode(const ObservationRow& row);
  // Appends an encoded line; on kAppended, `seq` is the row's sequence number.
  [[nodiscard]] AppendStatus append_line(std::string_view line, uint64_t& seq);
  [[nodiscard]] AppendStatus append(const ObservationRow& row, uint64_t& seq) {
    return append_line(encode(row), seq);
  }

  // Up to `max_rows` rows starting at sequence number `seq` (which must be below end_seq()).
  // Sequential reads continue where the last one stopped instead of rescanning the segment.
  [[nodiscard]] SpoolRead read(uint64_t seq, size_t max_rows);
  // Rows with a sequence number below `end` are in the database; whole segments are deleted.
  void mark_committed(uint64_t end);

  [[nodiscard]] uint64_t begin_seq() const;  // the first row not yet committed
  [[nodiscard]] uint64_t end_seq() const;    // one past the last row
  [[nodiscard]] uint64_t bytes() const;      // size of the segment files
  [[nodiscard]] size_t segments() const;
  [[nodiscard]] uint64_t recovered() const { return recovered_; }  // valid rows found on open
  [[nodiscard]] uint64_t torn_lines() const { return torn_lines_; }
  [[nodiscard]] uint64_t corrupt_lines() const { return corrupt_lines_; }
  [[nodiscard]] uint64_t refused() const;  // appends refused, any reason
  [[nodiscard]] uint64_t read_errors() const {
    return read_errors_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] const std::filesystem::path& folder() const { return options_.folder; }

 private:
  struct Segment {
    uint64_t id = 0;
    uint64_t first_seq = 0, end_seq = 0;  // its valid rows
    uint64_t bytes = 0;
  };
  // Where the last read stopped, to continue without rescanning.
  struct Cursor {
    uint64_t segment_id = 0, offset = 0, seq = 0;
  };

  Spool(SpoolOptions options, int lock_fd);
  [[nodiscard]] std::filesystem::path segment_path(uint64_t id) const;
  [[nodiscard]] bool scan_existing(std::string& error);
  [[nodiscard]] bool open_new_segment();  // with mutex_ held
  void close_active();                    // with mutex_ held
  void delete_committed_segments();       // with mutex_ held
  void sync_if_due();                     // with mutex_ held

  const SpoolOptions options_;
  const int lock_fd_;
  uint64_t recovered_ = 0, torn_lines_ = 0, corrupt_lines_ = 0;  // set by open, then constant

  mutable std::mutex mutex_;
  std::deque<Segment> segments_;  // oldest first; back() is the active one when active_fd_ >= 0
  int active_fd_ = -1;
  uint64_t next_segment_id_ = 1;
  uint64_t next_seq_ = 0;
  uint64_t committed_end_ = 0;
  uint64_t bytes_ = 0;
  uint64_t refused_ = 0;
  std::chrono::steady_clock::time_point last_sync_{};
  bool dirty_ = false;  // written since the last fdatasync
  Cursor cursor_;       // the consumer's; not guarded (one consumer thread)
  std::atomic<uint64_t> read_errors_{0};
};

namespace spool_detail {

// The line's JSON object (no newline); a row without uid gets "uid": "".
[[nodiscard]] std::string encode_row(const ObservationRow& row);
// nullopt when the line is not a JSON object with every field of the right type.
[[nodiscard]] std::optional<ObservationRow> decode_row(std::string_view line) noexcept;

// Splits a segment's bytes, given in chunks of any size, into rows. Memory stays below
// kMaxSpoolLineBytes plus one chunk whatever the input: a longer line is skipped as corrupt.
class SegmentParser {
 public:
  enum class Event {
    kRow,       // `row` holds the next row
    kCorrupt,   // a complete line that is not a row (or too long) was skipped
    kNeedMore,  // feed more bytes, or call torn_tail() at the end of the file
  };
  explicit SegmentParser(size_t max_line = kMaxSpoolLineBytes) : max_line_(max_line) {}
  void feed(std::string_view chunk);
  [[nodiscard]] Event next(ObservationRow& row);
  // At the end of the input: true when bytes remain after the last newline (a torn line).
  [[nodiscard]] bool torn_tail() const { return discarding_ || pos_ < buffer_.size(); }
  // Bytes of the input up to the end of the last line returned by next().
  [[nodiscard]] uint64_t consumed() const { return consumed_; }

 private:
  const size_t max_line_;
  std::string buffer_;
  size_t pos_ = 0;           // start of the current line in buffer_
  size_t searched_ = 0;      // buffer_ before this has no newline after pos_
  bool discarding_ = false;  // inside a line longer than max_line_
  uint64_t discarded_ = 0;   // bytes of that line already dropped
  uint64_t consumed_ = 0;
};

}  // namespace spool_detail
}  // namespace fp::store
