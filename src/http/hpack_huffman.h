#pragma once
// HPACK Huffman decoding (RFC 7541 5.2, code of Appendix B). Internal to src/http.

#include <cstddef>
#include <optional>
#include <span>

#include "core/byte_reader.h"

namespace fp::http {

// Room for decoding `encoded_size` octets: the shortest code is 5 bits, and the decoder may
// write one octet past what it decodes.
[[nodiscard]] constexpr size_t huffman_decoded_bound(size_t encoded_size) noexcept {
  return encoded_size * 8 / 5 + 1;
}

// Decodes `encoded` into the start of `out`, which must hold huffman_decoded_bound() octets, and
// returns the decoded length. nullopt when `out` is too small or the string is not valid
// (RFC 7541 5.2): it contains EOS, or it ends in more than 7 bits of padding, or in padding that
// is not the most significant bits of EOS (all ones). `readable`: how many octets from
// encoded.data() may be read (the string and what follows it in the same buffer, such as the
// rest of a header block); decoding loads 8 octets at a time and reads past the string only
// within that, never using those octets' values. Below encoded.size() it counts as that.
[[nodiscard]] std::optional<size_t> huffman_decode(Bytes encoded, std::span<char> out,
                                                   size_t readable = 0) noexcept;

// A string for huffman_decode_pair(): `encoded` and `readable` as huffman_decode() takes them.
struct HuffmanInput {
  Bytes encoded;
  size_t readable = 0;
};

struct HuffmanPair {
  std::optional<size_t> a;
  std::optional<size_t> b;
};

// Decodes two strings at once, as huffman_decode() each: their decoding steps are independent,
// and interleaved they take little more time than the longer one alone.
[[nodiscard]] HuffmanPair huffman_decode_pair(const HuffmanInput& a, std::span<char> out_a,
                                              const HuffmanInput& b,
                                              std::span<char> out_b) noexcept;

}  // namespace fp::http
