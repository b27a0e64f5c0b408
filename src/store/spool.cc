// The spool: the line format and its incremental parser (spool_detail), then the files:
// scanning on open, appending, rolling, reading back, deleting.
#include "store/spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

#include <boost/json.hpp>

namespace fp::store {
namespace {

constexpr std::string_view kSegmentPrefix = "segment-";
constexpr std::string_view kSegmentSuffix = ".ndjson";
constexpr std::string_view kLockFileName = "lock";
constexpr size_t kReadChunk = 64 * 1024;

// The id in `segment-<16 hex>.ndjson`, nullopt for any other name (the lock, editor backups).
std::optional<uint64_t> segment_id(std::string_view name) {
  if (!name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) return std::nullopt;
  name.remove_prefix(kSegmentPrefix.size());
  name.remove_suffix(kSegmentSuffix.size());
  uint64_t id = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id, 16);
  if (name.size() != 16 || ec != std::errc() || end != name.data() + name.size()) {
    return std::nullopt;
  }
  return id;
}

std::string errno_text(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Reads the file from `offset` in chunks into `parser`; `on_event(event, row)` returns false to
// stop. Returns false on a read error.
template <class OnEvent>
bool parse_file(int fd, uint64_t offset, spool_detail::SegmentParser& parser, OnEvent&& on_event,
                bool& at_eof) {
  std::array<char, kReadChunk> chunk;
  ObservationRow row;
  at_eof = false;
  for (;;) {
    for (;;) {
      const auto event = parser.next(row);
      if (event == spool_detail::SegmentParser::Event::kNeedMore) break;
      if (!on_event(event, row)) return true;
    }
    const ssize_t got = pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return false;
    if (got == 0) {
      at_eof = true;
      return true;
    }
    offset += static_cast<uint64_t>(got);
    parser.feed(std::string_view(chunk.data(), static_cast<size_t>(got)));
  }
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

namespace spool_detail {
namespace {

// The line format's version: a line of another version is not a row of this build.
constexpr int64_t kLineVersion = 1;

// The text fields, in line order; time_ms and the version are the only numbers.
constexpr std::array<std::pair<std::string_view, std::string ObservationRow::*>, 13> kTextFields{{
    {"uid", &ObservationRow::uid},
    {"source", &ObservationRow::source},
    {"peer", &ObservationRow::peer},
    {"ja4", &ObservationRow::ja4},
    {"ja3n", &ObservationRow::ja3n},
    {"ja4h", &ObservationRow::ja4h},
    {"akamai", &ObservationRow::akamai},
    {"ja4t", &ObservationRow::ja4t},
    {"client", &ObservationRow::client},
    {"client_version", &ObservationRow::client_version},
    {"tls_library", &ObservationRow::tls_library},
    {"os", &ObservationRow::os},
    {"record", &ObservationRow::record},
}};

std::optional<int64_t> as_int64(const boost::json::value* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= uint64_t{INT64_MAX}) {
    return static_cast<int64_t>(value->get_uint64());
  }
  return std::nullopt;
}

}  // namespace

std::string encode_row(const ObservationRow& row) {
  boost::json::object object;
  object.reserve(kTextFields.size() + 2);
  object.emplace("v", kLineVersion);
  object.emplace("time_ms", row.time_ms);
  for (const auto& [name, field] : kTextFields) object.emplace(name, row.*field);
  // Boost.JSON escapes quotes, backslashes and control characters (so no raw newline) and
  // copies other bytes as they are, invalid UTF-8 included; decode_row accepts it back.
  return boost::json::serialize(object);
}

std::optional<ObservationRow> decode_row(std::string_view line) noexcept {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;  // rows hold what clients sent, byte for byte
  boost::json::error_code ec;
  const boost::json::value value = boost::json::parse(line, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  const boost::json::object& object = value.get_object();
  const std::optional<int64_t> version = as_int64(object.if_contains("v"));
  const std::optional<int64_t> time_ms = as_int64(object.if_contains("time_ms"));
  if (version != kLineVersion || !time_ms) return std::nullopt;
  ObservationRow row;
  row.time_ms = *time_ms;
  for (const auto& [name, field] : kTextFields) {
    const boost::json::value* text = object.if_contains(name);
    if (text == nullptr || !text->is_string()) return std::nullopt;
    row.*field = std::string(text->get_string());
  }
  return row;
}

void SegmentParser::feed(std::string_view chunk) {
  // Drop what next() has consumed before growing the buffer.
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    searched_ -= pos_;
    pos_ = 0;
  }
  buffer_.append(chunk);
}

SegmentParser::Event SegmentParser::next(ObservationRow& row) {
  const size_t newline = buffer_.find('\n', searched_);
  if (newline == std::string::npos) {
    searched_ = buffer_.size();
    if (!discarding_ && buffer_.size() - pos_ > max_line_) discarding_ = true;
    if (discarding_) {  // keep nothing of an overlong line
      discarded_ += buffer_.size() - pos_;
      buffer_.clear();
      pos_ = searched_ = 0;
    }
    return Event::kNeedMore;
  }
  const std::string_view line(buffer_.data() + pos_, newline - pos_);
  consumed_ += discarded_ + line.size() + 1;
  pos_ = searched_ = newline + 1;
  if (discarding_ || line.size() > max_line_) {
    discarding_ = false;
    discarded_ = 0;
    return Event::kCorrupt;
  }
  std::optional<ObservationRow> decoded = decode_row(line);
  if (!decoded) return Event::kCorrupt;
  row = std::move(*decoded);
  return Event::kRow;
}

}  // namespace spool_detail

std::unique_ptr<Spool> Spool::open(const SpoolOptions& options, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(options.folder, ec);
  if (ec) {
    error = "spool folder " + options.folder.string() + ": " + ec.message();
    return nullptr;
  }
  const std::filesystem::path lock_path = options.folder / kLockFileName;
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (lock_fd < 0) {
    error = errno_text("spool lock " + lock_path.string());
    return nullptr;
  }
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    error = errno == EWOULDBLOCK ? "spool folder " + options.folder.string() + " is in use"
                                 : errno_text("spool lock " + lock_path.string());
    close(lock_fd);
    return nullptr;
  }
  std::unique_ptr<Spool> spool(new Spool(options, lock_fd));
  if (!spool->scan_existing(error)) return nullptr;
  return spool;
}

Spool::Spool(SpoolOptions options, int lock_fd)
    : options_(std::move(options)),
      lock_fd_(lock_fd),
      last_sync_(std::chrono::steady_clock::now()) {}

Spool::~Spool() {
  {
    std::lock_guard lock(mutex_);
    close_active();
  }
  close(lock_fd_);  // releases the flock
}

std::filesystem::path Spool::segment_path(uint64_t id) const {
  std::array<char, 17> hex{};
  const auto result = std::to_chars(hex.data(), hex.data() + 16, id, 16);
  const std::string digits(hex.data(), result.ptr);
  return options_.folder / (std::string(kSegmentPrefix) + std::string(16 - digits.size(), '0') +
                            digits + std::string(kSegmentSuffix));
}

// Counts each existing segment's valid rows, so that rows keep one sequence number whether they
// are read now or later; torn and corrupt lines are counted here, once.
bool Spool::scan_existing(std::string& error) {
  std::vector<uint64_t> ids;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(options_.folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (const auto id = segment_id(it->path().filename().string())) ids.push_back(*id);
  }
  if (ec) {
    error = "spool folder " + options_.folder.string() + ": " + ec.message();
    return false;
  }
  std::sort(ids.begin(), ids.end());
  for (const uint64_t id : ids) {
    Segment segment{.id = id, .first_seq = next_seq_, .end_seq = next_seq_};
    const Fd fd(::open(segment_path(id).c_str(), O_RDONLY | O_CLOEXEC));
    spool_detail::SegmentParser parser;
    bool at_eof = false;
    const bool read_ok =
        fd.get() >= 0 && parse_file(
                             fd.get(), 0, parser,
                             [&](spool_detail::SegmentParser::Event event, const ObservationRow&) {
                               if (event == spool_detail::SegmentParser::Event::kRow) {
                                 ++segment.end_seq;
                               } else {
                                 ++corrupt_lines_;
                               }
                               return true;
                             },
                             at_eof);
    if (!read_ok) {
      error = errno_text("spool segment " + segment_path(id).string());
      return false;
    }
    if (parser.torn_tail()) ++torn_lines_;
    segment.bytes = static_cast<uint64_t>(lseek(fd.get(), 0, SEEK_END));
    next_seq_ = segment.end_seq;
    bytes_ += segment.bytes;
    segments_.push_back(segment);
    next_segment_id_ = id + 1;
  }
  recovered_ = next_seq_;
  std::lock_guard lock(mutex_);
  delete_committed_segments();  // segments without a single row
  return true;
}

std::string Spool::encode(const ObservationRow& row) {
  std::string line = spool_detail::encode_row(row);
  line += '\n';
  return line;
}

AppendStatus Spool::append_line(std::string_view line, uint64_t& seq) {
  std::lock_guard lock(mutex_);
  if (line.size() > kMaxSpoolLineBytes) {
    ++refused_;
    return AppendStatus::kTooLarge;
  }
  if (bytes_ + line.size() > options_.max_bytes) {
    ++refused_;
    return AppendStatus::kFull;
  }
  if (active_fd_ >= 0 && segments_.back().bytes > 0 &&
      segments_.back().bytes + line.size() > options_.segment_bytes) {
    close_active();
  }
  if (active_fd_ < 0 && !open_new_segment()) {
    ++refused_;
    return AppendStatus::kIoError;
  }
  Segment& active = segments_.back();
  ssize_t wrote = -1;
  do {
    wrote = write(active_fd_, line.data(), line.size());
  } while (wrote < 0 && errno == EINTR);
  if (wrote != static_cast<ssize_t>(line.size())) {
    // A short write (disk full) would leave a torn line that later appends would glue to: cut
    // it off. If even that fails, stop using the segment; the next scan skips the torn line.
    if (wrote > 0 && ftruncate(active_fd_, static_cast<off_t>(active.bytes)) != 0) close_active();
    ++refused_;
    return AppendStatus::kIoError;
  }
  active.bytes += line.size();
  bytes_ += line.size();
  seq = next_seq_++;
  active.end_seq = next_seq_;
  dirty_ = true;
  sync_if_due();
  return AppendStatus::kAppended;
}

bool Spool::open_new_segment() {
  for (int attempt = 0; attempt < 16; ++attempt) {
    const uint64_t id = next_segment_id_++;
    const int fd =
        ::open(segment_path(id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0 && errno == EEXIST) continue;  // put there behind our back: keep it for a scan
    if (fd < 0) return false;
    active_fd_ = fd;
    segments_.push_back({.id = id, .first_seq = next_seq_, .end_seq = next_seq_});
    if (options_.fsync_interval.count() > 0) {
      // The new name must survive a power loss too.
      const Fd folder(::open(options_.folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (folder.get() >= 0) (void)fsync(folder.get());
    }
    return true;
  }
  return false;
}

void Spool::close_active() {
  if (active_fd_ < 0) return;
  if (dirty_ && options_.fsync_interval.count() > 0) (void)fdatasync(active_fd_);
  dirty_ = false;
  close(active_fd_);
  active_fd_ = -1;
}

void Spool::sync_if_due() {
  if (options_.fsync_interval.count() <= 0 || !dirty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sync_ < options_.fsync_interval) return;
  (void)fdatasync(active_fd_);
  dirty_ = false;
  last_sync_ = now;
}

void Spool::mark_committed(uint64_t end) {
  std::lock_guard lock(mutex_);
  committed_end_ = std::max(committed_end_, std::min(end, next_seq_));
  delete_committed_segments();
}

void Spool::delete_committed_segments() {
  while (!segments_.empty() && segments_.front().end_seq <= committed_end_) {
    // The active segment is last: deleting it means everything is committed, and the next
    // append starts a new file, so an idle spool holds no files.
    if (segments_.size() == 1) close_active();
    std::error_code ec;
    std::filesystem::remove(segment_path(segments_.front().id), ec);
    bytes_ -= segments_.front().bytes;
    segments_.pop_front();
  }
}

SpoolRead Spool::read(uint64_t seq, size_t max_rows) {
  SpoolRead result;
  Segment segment;
  {
    std::lock_guard lock(mutex_);
    const auto it = std::find_if(segments_.begin(), segments_.end(),
                                 [&](const Segment& s) { return seq < s.end_seq; });
    if (it == segments_.end() || max_rows == 0) {
      result.first_seq = result.next_seq = std::min(seq, next_seq_);
      return result;
    }
    segment = *it;  // a snapshot: rows appended later are read by a later call
  }
  seq = std::max(seq, segment.first_seq);
  const bool resume = cursor_.segment_id == segment.id && cursor_.seq == seq;
  const uint64_t start = resume ? cursor_.offset : 0;
  uint64_t to_skip = resume ? 0 : seq - segment.first_seq;
  uint64_t next = seq;
  result.first_seq = seq;
  spool_detail::SegmentParser parser;
  bool at_eof = false;
  const int raw_fd = ::open(segment_path(segment.id).c_str(), O_RDONLY | O_CLOEXEC);
  const bool gone = raw_fd < 0 && errno == ENOENT;
  const Fd fd(raw_fd);
  const bool read_ok =
      fd.get() >= 0 && parse_file(
                           fd.get(), start, parser,
                           [&](spool_detail::SegmentParser::Event event, ObservationRow& row) {
                             if (event != spool_detail::SegmentParser::Event::kRow)
                               return true;  // counted on open
                             if (to_skip > 0) {
                               --to_skip;
                               return true;
                             }
                             result.rows.push_back(std::move(row));
                             ++next;
                             return result.rows.size() < max_rows && next < segment.end_seq;
                           },
                           at_eof);
  if (gone || (read_ok && at_eof && next < segment.end_seq)) {
    result.missing = segment.end_seq - next;  // the file is gone or shorter than when scanned
    next = segment.end_seq;
  } else if (!read_ok) {
    result.failed = true;  // EMFILE, EIO...: worth another try later
    read_errors_.fetch_add(1, std::memory_order_relaxed);
  }
  cursor_ = {.segment_id = segment.id, .offset = start + parser.consumed(), .seq = next};
  result.next_seq = next;
  return result;
}

uint64_t Spool::begin_seq() const {
  std::lock_guard lock(mutex_);
  return segments_.empty() ? next_seq_ : std::max(committed_end_, segments_.front().first_seq);
}

uint64_t Spool::end_seq() const {
  std::lock_guard lock(mutex_);
  return next_seq_;
}

uint64_t Spool::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

size_t Spool::segments() const {
  std::lock_guard lock(mutex_);
  return segments_.size();
}

uint64_t Spool::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace fp::store
