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
// is not the most significant bits of EOS (all ones).
[[nodiscard]] std::optional<size_t> huffman_decode(Bytes encoded, std::span<char> out) noexcept;

}  // namespace fp::http
