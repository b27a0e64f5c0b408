#include "http/hpack.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/hpack_huffman.h"

namespace fp::http {
namespace {

// RFC 7541 6: the field representations, told apart by their first bits.
constexpr uint8_t kIndexed = 0x80;              // 1xxxxxxx, 7-bit index (6.1)
constexpr uint8_t kIncrementalIndexing = 0x40;  // 01xxxxxx, 6-bit name index (6.2.1)
constexpr uint8_t kSizeUpdate = 0x20;           // 001xxxxx, 5-bit size (6.3)
// 0000xxxx without indexing (6.2.2), 0001xxxx never indexed (6.2.3): 4-bit name index.
constexpr uint8_t kHuffmanFlag = 0x80;  // string literal H bit (5.2)

// Decoded integers stop at 2^32 - 1, as nghttp2's do: no index, size or string length of a
// valid block comes near it.
constexpr uint64_t kMaxInteger = UINT32_MAX;
constexpr int kMaxShift = 32;

// A browser's first request carries 15 to 25 fields.
constexpr size_t kTypicalHeaders = 32;

// RFC 7541 5.1: an integer in the low `prefix_bits` of `first`, continued in 7-bit groups, least
// significant first.
std::optional<uint64_t> read_integer(ByteReader& r, uint8_t first, int prefix_bits) noexcept {
  const uint8_t mask = static_cast<uint8_t>((1u << prefix_bits) - 1);
  uint64_t value = first & mask;
  if (value < mask) return value;
  for (int shift = 0;; shift += 7) {
    if (shift >= kMaxShift) return std::nullopt;
    const auto b = r.u8();
    if (!b) return std::nullopt;
    value += uint64_t{*b & 0x7fu} << shift;
    if (value > kMaxInteger) return std::nullopt;
    if (!(*b & 0x80)) return value;
  }
}

// RFC 7541 5.2: a string literal, Huffman-coded or not, into `out`.
bool read_string(ByteReader& r, std::string& out) {
  const auto first = r.u8();
  if (!first) return false;
  const auto length = read_integer(r, *first, 7);
  if (!length) return false;
  const auto bytes = r.bytes(*length);
  if (!bytes) return false;
  if (!(*first & kHuffmanFlag)) {
    out.assign(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    return true;
  }
  out.resize(huffman_decoded_bound(bytes->size()));
  const auto decoded = huffman_decode(*bytes, out);
  if (!decoded) return false;
  out.resize(*decoded);
  return true;
}

// Reads one block's fields in order; the table persists across blocks.
class BlockReader {
 public:
  BlockReader(HpackDynamicTable& table, Bytes block, size_t max_decoded) noexcept
      : table_(table), r_(block), max_decoded_(max_decoded) {}

  Result<std::vector<Header>, Http2Error> run() {
    out_.reserve(kTypicalHeaders);
    while (!r_.empty()) {
      const uint8_t first = *r_.u8();
      const auto status = field(first);
      if (status != kOk)
        return Unexpected{status == kTooBig ? Http2Error::kTooLarge : Http2Error::kBadHeaderBlock};
    }
    return std::move(out_);
  }

 private:
  enum Status : uint8_t { kOk, kBad, kTooBig };

  Status field(uint8_t first) {
    if (first & kIndexed) return indexed(first);
    if (first & kIncrementalIndexing) return literal(first, 6, true);
    if (first & kSizeUpdate) return size_update(first);
    return literal(first, 4, false);
  }

  // RFC 7541 2.3.3: 1..61 the static table, 62 onwards the dynamic table, newest first.
  [[nodiscard]] std::optional<HpackField> lookup(uint64_t index) const noexcept {
    if (index <= kHpackStaticEntries) return hpack_static_entry(index);
    return table_.at(index - kHpackStaticEntries - 1);
  }

  // RFC 7541 6.1.
  Status indexed(uint8_t first) {
    const auto index = read_integer(r_, first, 7);
    if (!index) return kBad;
    const auto entry = lookup(*index);
    if (!entry) return kBad;
    Header& h = out_.emplace_back();
    h.name.assign(entry->name);
    h.value.assign(entry->value);
    return count(h);
  }

  // RFC 7541 6.2: a name index (0: a literal name follows) and a literal value.
  Status literal(uint8_t first, int prefix_bits, bool add_to_table) {
    const auto index = read_integer(r_, first, prefix_bits);
    if (!index) return kBad;
    Header& h = out_.emplace_back();
    if (*index == 0) {
      if (!read_string(r_, h.name)) return kBad;
    } else {
      const auto entry = lookup(*index);
      if (!entry) return kBad;
      h.name.assign(entry->name);
    }
    if (!read_string(r_, h.value)) return kBad;
    if (add_to_table) table_.insert(h.name, h.value);
    return count(h);
  }

  // RFC 7541 6.3 and 4.2: only before the block's first field.
  Status size_update(uint8_t first) {
    const auto size = read_integer(r_, first, 5);
    if (!size || !out_.empty()) return kBad;
    return table_.set_max_size(*size) ? kOk : kBad;
  }

  Status count(const Header& h) noexcept {
    decoded_ += h.name.size() + h.value.size() + kHpackEntryOverhead;
    return decoded_ > max_decoded_ ? kTooBig : kOk;
  }

  HpackDynamicTable& table_;
  ByteReader r_;
  size_t max_decoded_;
  size_t decoded_ = 0;
  std::vector<Header> out_;
};

}  // namespace

Result<std::vector<Header>, Http2Error> HpackDecoder::decode(Bytes block,
                                                             size_t max_decoded) noexcept {
  if (failed_) return Unexpected{Http2Error::kBadHeaderBlock};
  try {
    auto headers = BlockReader(table_, block, max_decoded).run();
    failed_ = !headers.ok();
    return headers;
  } catch (...) {
    failed_ = true;
    return Unexpected{Http2Error::kTooLarge};  // allocation failure
  }
}

Result<std::vector<Header>, Http2Error> hpack_decode(Bytes block, size_t max_decoded) noexcept {
  return HpackDecoder().decode(block, max_decoded);
}

}  // namespace fp::http
