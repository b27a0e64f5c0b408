#pragma once
// HPACK (RFC 7541) decoding of header blocks: integers and string literals (5), Huffman coding
// (5.2, Appendix B), the static table (Appendix A) and a dynamic table with size updates and
// eviction (4). Our own decoder; no third-party type appears here (STYLE.md 16).

#include <cstddef>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "http/hpack_table.h"
#include "http/http2.h"
#include "http/request.h"

namespace fp::http {

// The decoding context of one direction of one connection: a connection's header blocks are
// decoded in the order sent, through the same object, so that later blocks can refer to the
// entries earlier ones added to the dynamic table.
class HpackDecoder {
 public:
  // RFC 9113 6.5.2: SETTINGS_HEADER_TABLE_SIZE starts at 4,096.
  static constexpr size_t kDefaultTableSize = 4096;

  // `max_table_size`: the SETTINGS_HEADER_TABLE_SIZE the decoding side announced, the largest
  // dynamic table size update the encoder may send (RFC 7541 4.2).
  explicit HpackDecoder(size_t max_table_size = kDefaultTableSize) noexcept
      : table_(max_table_size) {}

  // Decodes one complete header block (the fragments of a HEADERS or PUSH_PROMISE frame and its
  // CONTINUATION frames, joined). Names and values are returned as sent, in order. Errors:
  // kBadHeaderBlock when the block does not decode (a truncated field, an integer past 2^32 - 1,
  // an index in neither table, a bad Huffman string, a size update above the limit or after a
  // field); kTooLarge when the decoded fields exceed `max_decoded` bytes (name + value + 32 per
  // field, the RFC 7541 4.1 entry size). An error is a connection error (RFC 9113 4.3): every
  // later call returns kBadHeaderBlock.
  [[nodiscard]] Result<std::vector<Header>, Http2Error> decode(Bytes block,
                                                               size_t max_decoded) noexcept;

  // The dynamic table's current size and maximum size (RFC 7541 4.1, 4.2).
  [[nodiscard]] size_t table_size() const noexcept { return table_.size(); }
  [[nodiscard]] size_t max_table_size() const noexcept { return table_.max_size(); }
  [[nodiscard]] const HpackDynamicTable& table() const noexcept { return table_; }

 private:
  HpackDynamicTable table_;
  bool failed_ = false;
};

// Decodes a complete header block with a fresh decoding context (the first block of a
// connection): HpackDecoder().decode(block, max_decoded).
[[nodiscard]] Result<std::vector<Header>, Http2Error> hpack_decode(Bytes block,
                                                                   size_t max_decoded) noexcept;

}  // namespace fp::http
