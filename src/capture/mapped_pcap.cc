#include "capture/mapped_pcap.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "capture/link_layer.h"

namespace fp::capture {
namespace {

constexpr size_t kFileHeader = 24;
constexpr size_t kRecordHeader = 16;
constexpr uint32_t kMagicMicroseconds = 0xa1b2c3d4;
constexpr uint32_t kMagicNanoseconds = 0xa1b23c4d;
constexpr uint32_t kLinktypeRaw = 101;
constexpr int kDltRaw = 12;  // DLT_RAW as Linux numbers it
// How much of the file is mapped ahead of the reading at a time.
constexpr size_t kWindow = size_t{4} << 20;
// libpcap's largest snapshot length for the link types we read: a record claiming more is damage.
constexpr uint32_t kMaximumSnaplen = 262144;

uint32_t load32(const uint8_t* p, bool swapped) noexcept {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return swapped ? __builtin_bswap32(v) : v;
}

uint16_t load16(const uint8_t* p, bool swapped) noexcept {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return swapped ? __builtin_bswap16(v) : v;
}

}  // namespace

std::unique_ptr<MappedPcap> MappedPcap::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  void* address = MAP_FAILED;
  size_t size = 0;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<uint64_t>(st.st_size) >= kFileHeader) {
    size = static_cast<size_t>(st.st_size);
    address = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  }
  ::close(fd);
  if (address == MAP_FAILED) return nullptr;
  madvise(address, size, MADV_SEQUENTIAL);
  std::unique_ptr<MappedPcap> file(
      new MappedPcap(static_cast<const uint8_t*>(address), size, /*mapped=*/true));
  if (!file->read_header()) return nullptr;
  return file;
}

std::unique_ptr<MappedPcap> MappedPcap::over(Bytes bytes) {
  std::unique_ptr<MappedPcap> file(new MappedPcap(bytes.data(), bytes.size(), /*mapped=*/false));
  if (!file->read_header()) return nullptr;
  return file;
}

bool MappedPcap::read_header() noexcept {
  if (size_ < kFileHeader) return false;
  const uint32_t magic = load32(data_, false);
  swapped_ = magic == __builtin_bswap32(kMagicMicroseconds) ||
             magic == __builtin_bswap32(kMagicNanoseconds);
  const uint32_t native = swapped_ ? __builtin_bswap32(magic) : magic;
  nanosecond_ = native == kMagicNanoseconds;
  const bool version_2_4 = load16(data_ + 4, swapped_) == 2 && load16(data_ + 6, swapped_) == 4;
  if ((native != kMagicMicroseconds && native != kMagicNanoseconds) || !version_2_4) return false;
  const uint32_t snaplen = field(16), linktype = field(20);
  if ((linktype >> 16) != 0) return false;  // FCS length or reserved bits: libpcap's business
  // libpcap's linktype_to_dlt for the link types we decode: only LINKTYPE_RAW is renumbered.
  link_type_ = linktype == kLinktypeRaw ? kDltRaw : static_cast<int>(linktype);
  if (!link_type_supported(link_type_)) return false;
  // pcap_adjust_snapshot: only 0 or a value past INT_MAX is replaced by the link type's maximum.
  snapshot_ = snaplen == 0 || snaplen > INT32_MAX ? kMaximumSnaplen : snaplen;
  offset_ = kFileHeader;
  return true;
}

MappedPcap::~MappedPcap() {
  if (mapped_) munmap(const_cast<uint8_t*>(data_), size_);
}

uint32_t MappedPcap::field(size_t at) const noexcept { return load32(data_ + at, swapped_); }

std::optional<Frame> MappedPcap::next() {
  const size_t left = size_ - offset_;
  if (left == 0 || !error_.empty()) return std::nullopt;
  if (left < kRecordHeader) {
    error_ = "truncated dump file; tried to read " + std::to_string(kRecordHeader) +
             " header bytes, only got " + std::to_string(left);
    return std::nullopt;
  }
  const uint32_t seconds = field(offset_), fraction = field(offset_ + 4);
  const uint32_t caplen = field(offset_ + 8), len = field(offset_ + 12);
  if (caplen > kMaximumSnaplen) {
    error_ = "invalid packet capture length " + std::to_string(caplen) +
             (caplen > snapshot_ ? ", bigger than snaplen of " + std::to_string(snapshot_)
                                 : ", bigger than maximum of " + std::to_string(kMaximumSnaplen));
    return std::nullopt;
  }
  if (left - kRecordHeader < caplen) {
    error_ = "truncated dump file; tried to read " + std::to_string(caplen) +
             " captured bytes, only got " + std::to_string(left - kRecordHeader);
    return std::nullopt;
  }
  Frame frame;
  frame.timestamp_us = int64_t{seconds} * 1'000'000 + (nanosecond_ ? fraction / 1000 : fraction);
  frame.original_length = len;
  frame.data = Bytes(data_ + offset_ + kRecordHeader, std::min(caplen, snapshot_));
  frame.link_type = link_type_;
  const size_t record_start = offset_;
  offset_ += kRecordHeader + caplen;
  if (mapped_ && offset_ >= mapped_to_) slide_window(record_start);
  return frame;
}

// Pages are mapped a window ahead in one call (faulting them one by one cost more than reading
// them), and those before the current record are let go: the mapping of a file read once counts
// in the process's memory only for the window being read, however large the file.
void MappedPcap::slide_window(size_t record_start) noexcept {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t done = record_start / page * page;
  if (done > released_) {
    madvise(const_cast<uint8_t*>(data_) + released_, done - released_, MADV_DONTNEED);
    released_ = done;
  }
  const size_t from = offset_ / page * page;
  mapped_to_ = std::min(size_, from + kWindow);
  madvise(const_cast<uint8_t*>(data_) + from, mapped_to_ - from, MADV_POPULATE_READ);
}

}  // namespace fp::capture
