#include "http/hpack_table.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

namespace fp::http {
namespace {

// RFC 7541 Appendix A, index 1 first.
constexpr std::array<HpackField, kHpackStaticEntries> kStaticTable{{
    {":authority", ""},
    {":method", "GET"},
    {":method", "POST"},
    {":path", "/"},
    {":path", "/index.html"},
    {":scheme", "http"},
    {":scheme", "https"},
    {":status", "200"},
    {":status", "204"},
    {":status", "206"},
    {":status", "304"},
    {":status", "400"},
    {":status", "404"},
    {":status", "500"},
    {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"},
    {"accept-language", ""},
    {"accept-ranges", ""},
    {"accept", ""},
    {"access-control-allow-origin", ""},
    {"age", ""},
    {"allow", ""},
    {"authorization", ""},
    {"cache-control", ""},
    {"content-disposition", ""},
    {"content-encoding", ""},
    {"content-language", ""},
    {"content-length", ""},
    {"content-location", ""},
    {"content-range", ""},
    {"content-type", ""},
    {"cookie", ""},
    {"date", ""},
    {"etag", ""},
    {"expect", ""},
    {"expires", ""},
    {"from", ""},
    {"host", ""},
    {"if-match", ""},
    {"if-modified-since", ""},
    {"if-none-match", ""},
    {"if-range", ""},
    {"if-unmodified-since", ""},
    {"last-modified", ""},
    {"link", ""},
    {"location", ""},
    {"max-forwards", ""},
    {"proxy-authenticate", ""},
    {"proxy-authorization", ""},
    {"range", ""},
    {"referer", ""},
    {"refresh", ""},
    {"retry-after", ""},
    {"server", ""},
    {"set-cookie", ""},
    {"strict-transport-security", ""},
    {"transfer-encoding", ""},
    {"user-agent", ""},
    {"vary", ""},
    {"via", ""},
    {"www-authenticate", ""},
}};

}  // namespace

std::optional<HpackField> hpack_static_entry(size_t index) noexcept {
  if (index == 0 || index > kStaticTable.size()) return std::nullopt;
  return kStaticTable[index - 1];
}

const HpackDynamicTable::Entry& HpackDynamicTable::entry(size_t i) const noexcept {
  return ring_[slot(head_ + count_ - 1 - i)];
}

std::optional<HpackField> HpackDynamicTable::at(size_t i) const noexcept {
  if (i >= count_) return std::nullopt;
  const Entry& e = entry(i);
  const std::string_view all(bytes_.get() + e.offset, size_t{e.name_length} + e.value_length);
  return HpackField{all.substr(0, e.name_length), all.substr(e.name_length)};
}

void HpackDynamicTable::evict_oldest() noexcept {
  const Entry& oldest = ring_[head_];
  size_ -= oldest.size();
  begin_ += size_t{oldest.name_length} + oldest.value_length;
  head_ = slot(head_ + 1);
  --count_;
  if (count_ == 0) begin_ = end_ = 0;
}

bool HpackDynamicTable::set_max_size(size_t max_size) noexcept {
  if (max_size > limit_) return false;
  max_size_ = max_size;
  while (size_ > max_size_) evict_oldest();
  return true;
}

// Moves the live bytes to the front of a new buffer of `capacity` octets (>= the live bytes).
void HpackDynamicTable::reallocate(size_t capacity) {
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  const size_t live = end_ - begin_;
  if (live > 0) std::memcpy(grown.get(), bytes_.get() + begin_, live);
  bytes_ = std::move(grown);
  capacity_ = capacity;
}

// Ensures `length` bytes are free at end_. The buffer starts small and doubles, up to twice the
// maximum size, while the live bytes and the new entry would fill more than half of it; the
// live bytes are at most max_size_, so at twice the maximum size they move at most once per
// maximum size's worth of inserted bytes. The buffers grow with use, not with the limit, which a
// peer's settings may make large, and are never zero-filled (a fresh decoder per preface paid
// for an 8 KiB memset).
void HpackDynamicTable::make_room(size_t length) {
  if (end_ + length <= capacity_) return;
  const size_t live = end_ - begin_;
  for (size_t i = 0; i < count_; ++i) ring_[slot(head_ + i)].offset -= begin_;
  const size_t needed = live + length;
  if (2 * needed > capacity_ && capacity_ < 2 * max_size_) {
    const size_t doubled = std::max(2 * capacity_, kInitialBytes);
    reallocate(std::max(needed, std::min(doubled, 2 * max_size_)));
  } else if (needed > capacity_) {
    reallocate(needed);
  } else if (live > 0) {
    std::memmove(bytes_.get(), bytes_.get() + begin_, live);
  }
  begin_ = 0;
  end_ = live;
}

// A free slot after the newest entry; the ring doubles, oldest first, when full (so its size
// stays a power of two).
HpackDynamicTable::Entry& HpackDynamicTable::push_slot() {
  if (count_ == ring_.size()) {
    std::vector<Entry> grown;
    grown.reserve(std::max<size_t>(2 * ring_.size(), kInitialSlots));
    for (size_t i = 0; i < count_; ++i) grown.push_back(ring_[slot(head_ + i)]);
    grown.resize(grown.capacity());
    ring_ = std::move(grown);
    head_ = 0;
  }
  return ring_[slot(head_ + count_)];
}

void HpackDynamicTable::insert(std::string_view name, std::string_view value) {
  const size_t size = name.size() + value.size() + kHpackEntryOverhead;
  if (size > max_size_) {  // RFC 7541 4.4: not an error; the table ends up empty
    while (count_ > 0) evict_oldest();
    return;
  }
  // The name may be an entry about to be evicted or moved: keep a copy first (RFC 7541 4.4).
  const bool name_is_ours =
      bytes_ != nullptr && name.data() >= bytes_.get() && name.data() < bytes_.get() + end_;
  const std::string name_copy = name_is_ours ? std::string(name) : std::string();
  if (name_is_ours) name = name_copy;
  while (size_ + size > max_size_) evict_oldest();
  make_room(name.size() + value.size());
  Entry& slot = push_slot();
  if (!name.empty()) std::memcpy(bytes_.get() + end_, name.data(), name.size());
  if (!value.empty()) std::memcpy(bytes_.get() + end_ + name.size(), value.data(), value.size());
  slot = {static_cast<uint32_t>(end_), static_cast<uint32_t>(name.size()),
          static_cast<uint32_t>(value.size())};
  ++count_;
  size_ += size;
  end_ += name.size() + value.size();
}

}  // namespace fp::http
