#pragma once
// HPACK indexing tables (RFC 7541 2.3): the static table of Appendix A and a connection's
// dynamic table with its size accounting and eviction (RFC 7541 4). Internal to src/http.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace fp::http {

struct HpackField {
  std::string_view name;
  std::string_view value;
};

// RFC 7541 Appendix A: 61 entries, indexes 1 to 61.
inline constexpr size_t kHpackStaticEntries = 61;

// RFC 7541 4.1: an entry's size is its name's and value's octets plus 32.
inline constexpr size_t kHpackEntryOverhead = 32;

// The static entry at `index` (1..61); nullopt outside that range.
[[nodiscard]] std::optional<HpackField> hpack_static_entry(size_t index) noexcept;

// The dynamic table: entries newest first, held in one byte buffer (no allocation per entry).
// The views it returns stay valid until the next insert() or set_max_size().
class HpackDynamicTable {
 public:
  // `limit`: the largest maximum size the encoder may choose (our SETTINGS_HEADER_TABLE_SIZE,
  // RFC 7541 4.2). The table starts with that maximum (RFC 9113 6.5.2: 4,096 by default).
  explicit HpackDynamicTable(size_t limit) noexcept : limit_(limit), max_size_(limit) {}

  // The entry `i` places from the newest (0 is HPACK index 62); nullopt past the oldest.
  [[nodiscard]] std::optional<HpackField> at(size_t i) const noexcept;

  // RFC 7541 4.4: evicts the oldest entries until the new one fits, then adds it; an entry
  // larger than the maximum size empties the table and is not added. `name` may view an entry
  // of this table. Throws std::bad_alloc only.
  void insert(std::string_view name, std::string_view value);

  // RFC 7541 4.3 / 6.3: a dynamic table size update. False when it exceeds the limit.
  [[nodiscard]] bool set_max_size(size_t max_size) noexcept;

  [[nodiscard]] size_t size() const noexcept { return size_; }
  [[nodiscard]] size_t max_size() const noexcept { return max_size_; }
  [[nodiscard]] size_t entries() const noexcept { return count_; }

 private:
  struct Entry {
    uint32_t offset;  // into bytes_: the name, then the value
    uint32_t name_length;
    uint32_t value_length;
    [[nodiscard]] size_t size() const noexcept {
      return size_t{name_length} + value_length + kHpackEntryOverhead;
    }
  };

  void evict_oldest() noexcept;
  void make_room(size_t length);
  void reallocate(size_t capacity);
  Entry& push_slot();
  [[nodiscard]] const Entry& entry(size_t i) const noexcept;
  // Ring position `i` modulo the ring's size, a power of two: a mask, not a division.
  [[nodiscard]] size_t slot(size_t i) const noexcept { return i & (ring_.size() - 1); }

  size_t limit_;
  size_t max_size_;
  size_t size_ = 0;                            // RFC 7541 4.1 sizes of the entries held
  static constexpr size_t kInitialSlots = 32;  // a browser's first block adds about 15
  static_assert((kInitialSlots & (kInitialSlots - 1)) == 0, "slot() masks");
  static constexpr size_t kInitialBytes = 1024;  // and about 800 octets

  // Entries oldest first in a ring of `ring_.size()` slots, a power of two (at most max_size / 32
  // are held: an entry is at least 32).
  std::vector<Entry> ring_;
  size_t head_ = 0;   // oldest entry's slot
  size_t count_ = 0;  // entries held
  // Entries' bytes, oldest first, in [begin_, end_) of a buffer of `capacity_` octets, left
  // uninitialised; evicting advances begin_, and the live bytes move to the front only when an
  // insert reaches the end of the buffer.
  std::unique_ptr<char[]> bytes_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace fp::http
