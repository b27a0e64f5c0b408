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

// What read_integer() returns for an integer that does not decode. Not std::optional: GCC
// merged the optional's flag byte into a 16-byte reload, a store-forwarding stall on every
// string length (a quarter of a plain-literal block's decoding).
constexpr uint64_t kNoInteger = UINT64_MAX;

// RFC 7541 5.1, past the prefix: `value` (the prefix, all ones) continued in 7-bit groups, least
// significant first.
uint64_t read_integer_groups(ByteReader& r, uint64_t value) noexcept {
  for (int shift = 0;; shift += 7) {
    if (shift >= kMaxShift) return kNoInteger;
    const auto b = r.u8();
    if (!b) return kNoInteger;
    value += uint64_t{*b & 0x7fu} << shift;
    if (value > kMaxInteger) return kNoInteger;
    if (!(*b & 0x80)) return value;
  }
}

// RFC 7541 5.1: an integer in the low `prefix_bits` of `first`, continued in 7-bit groups when
// the prefix is all ones; kNoInteger when it is truncated or past kMaxInteger. Inline: most
// integers fit in the prefix.
inline uint64_t read_integer(ByteReader& r, uint8_t first, int prefix_bits) noexcept {
  const uint8_t mask = static_cast<uint8_t>((1u << prefix_bits) - 1);
  const uint64_t value = first & mask;
  if (value < mask) return value;
  return read_integer_groups(r, value);
}

// RFC 7541 5.2: a string literal as sent, Huffman-coded or not.
struct Literal {
  Bytes bytes;
  bool huffman = false;
};

std::optional<Literal> read_literal(ByteReader& r) noexcept {
  const auto first = r.u8();
  if (!first) return std::nullopt;
  const uint64_t length = read_integer(r, *first, 7);
  if (length == kNoInteger) return std::nullopt;
  const auto bytes = r.bytes(length);
  if (!bytes) return std::nullopt;
  return Literal{*bytes, (*first & kHuffmanFlag) != 0};
}

const char* chars(Bytes b) noexcept { return reinterpret_cast<const char*>(b.data()); }

// A literal's text into `out`, alone; `readable` as huffman_decode() takes it.
bool decode_literal(const Literal& literal, size_t readable, std::string& out) {
  if (!literal.huffman) {
    out.assign(chars(literal.bytes), literal.bytes.size());
    return true;
  }
  out.resize(huffman_decoded_bound(literal.bytes.size()));
  const auto decoded = huffman_decode(literal.bytes, out, readable);
  if (!decoded) return false;
  out.resize(*decoded);
  return true;
}

// How far next_huffman_literal() looks: a browser's block alternates indexed fields and
// literals, and a scan that finds none soon costs more than it saves.
constexpr int kLookaheadRepresentations = 8;

// The next Huffman-coded string literal from `r` on, found by reading the representations that
// follow (RFC 7541 6) without decoding or applying them; `value_follows` when `r` is at the
// value of a field whose literal name was just read. nullopt when none comes soon or the bytes
// do not parse (the block's reading reports that when it gets there).
std::optional<Literal> next_huffman_literal(ByteReader r, bool value_follows) noexcept {
  for (int seen = 0; seen < kLookaheadRepresentations && !r.empty(); ++seen) {
    if (value_follows) {
      const auto value = read_literal(r);
      if (!value) return std::nullopt;
      if (value->huffman) return value;
      value_follows = false;
      continue;
    }
    const uint8_t first = *r.u8();
    const bool literal =
        !(first & kIndexed) && ((first & kIncrementalIndexing) || !(first & kSizeUpdate));
    const int prefix_bits = (first & kIndexed)               ? 7
                            : (first & kIncrementalIndexing) ? 6
                            : literal                        ? 4
                                                             : 5;
    const uint64_t index = read_integer(r, first, prefix_bits);
    if (index == kNoInteger) return std::nullopt;
    if (!literal) continue;
    if (index == 0) {
      const auto name = read_literal(r);
      if (!name) return std::nullopt;
      if (name->huffman) return name;
    }
    value_follows = true;
  }
  return std::nullopt;
}

// Reads one block's fields in order; the table persists across blocks.
class BlockReader {
 public:
  BlockReader(HpackDynamicTable& table, Bytes block, size_t max_decoded) noexcept
      : table_(table),
        r_(block),
        block_end_(block.data() + block.size()),
        max_decoded_(max_decoded) {}

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
    const uint64_t index = read_integer(r_, first, 7);
    if (index == kNoInteger) return kBad;
    const auto entry = lookup(index);
    if (!entry) return kBad;
    Header& h = out_.emplace_back();
    h.name.assign(entry->name);
    h.value.assign(entry->value);
    return count(h);
  }

  // RFC 7541 6.2: a name index (0: a literal name follows) and a literal value.
  Status literal(uint8_t first, int prefix_bits, bool add_to_table) {
    const uint64_t index = read_integer(r_, first, prefix_bits);
    if (index == kNoInteger) return kBad;
    Header& h = out_.emplace_back();
    if (index == 0) {
      const auto name = read_literal(r_);
      if (!name || !text_of(*name, true, h.name)) return kBad;
    } else {
      const auto entry = lookup(index);
      if (!entry) return kBad;
      h.name.assign(entry->name);
    }
    const auto value = read_literal(r_);
    if (!value || !text_of(*value, false, h.value)) return kBad;
    if (add_to_table) table_.insert(h.name, h.value);
    return count(h);
  }

  // RFC 7541 6.3 and 4.2: only before the block's first field.
  Status size_update(uint8_t first) {
    const uint64_t size = read_integer(r_, first, 5);
    if (size == kNoInteger || !out_.empty()) return kBad;
    return table_.set_max_size(size) ? kOk : kBad;
  }

  Status count(const Header& h) noexcept {
    decoded_ += h.name.size() + h.value.size() + kHpackEntryOverhead;
    return decoded_ > max_decoded_ ? kTooBig : kOk;
  }

  // The text of a literal just read. A Huffman-coded one is decoded side by side with the next
  // Huffman-coded literal of the block (huffman_decode_pair: the two serial chains overlap),
  // whose text waits in `ahead_` until its field is read; its errors are reported then, so
  // fields are still decoded, and fail, in order.
  bool text_of(const Literal& literal, bool value_follows, std::string& out) {
    if (!literal.huffman) {
      out.assign(chars(literal.bytes), literal.bytes.size());
      return true;
    }
    if (ahead_.at == literal.bytes.data()) {
      ahead_.at = nullptr;
      out.swap(ahead_.text);
      return ahead_.ok;
    }
    const auto next = next_huffman_literal(r_, value_follows);
    if (!next) return decode_literal(literal, readable_from(literal), out);
    out.resize(huffman_decoded_bound(literal.bytes.size()));
    ahead_.text.resize(huffman_decoded_bound(next->bytes.size()));
    const HuffmanPair decoded =
        huffman_decode_pair({literal.bytes, readable_from(literal)}, out,
                            {next->bytes, readable_from(*next)}, ahead_.text);
    ahead_.at = next->bytes.data();
    ahead_.ok = decoded.b.has_value();
    if (decoded.b) ahead_.text.resize(*decoded.b);
    if (!decoded.a) return false;
    out.resize(*decoded.a);
    return true;
  }

  struct Ahead {
    const uint8_t* at = nullptr;  // where the literal starts in the block; null when none
    std::string text;
    bool ok = false;
  };

  // The octets from a literal's start to the block's end: Huffman decoding may load them.
  [[nodiscard]] size_t readable_from(const Literal& literal) const noexcept {
    return static_cast<size_t>(block_end_ - literal.bytes.data());
  }

  HpackDynamicTable& table_;
  ByteReader r_;
  const uint8_t* block_end_;
  size_t max_decoded_;
  size_t decoded_ = 0;
  std::vector<Header> out_;
  Ahead ahead_;
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
