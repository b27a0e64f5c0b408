#pragma once
// Builds HTTP/2 wire bytes for tests (STYLE.md 23): frames by hand, header blocks as HPACK
// "literal without indexing, new name" fields (RFC 7541 6.2.2) without Huffman coding, so the
// bytes do not depend on the HPACK encoder under test.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fp::http::test {

using Wire = std::vector<uint8_t>;

inline void put_be(Wire& w, uint32_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) w.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// RFC 7541 5.1 integer with an N-bit prefix; `first` carries the bits above the prefix.
inline void put_hpack_int(Wire& w, uint8_t first, int prefix_bits, size_t v) {
  const size_t max = (1u << prefix_bits) - 1;
  if (v < max) {
    w.push_back(static_cast<uint8_t>(first | v));
    return;
  }
  w.push_back(static_cast<uint8_t>(first | max));
  v -= max;
  while (v >= 128) {
    w.push_back(static_cast<uint8_t>(0x80 | (v & 0x7f)));
    v >>= 7;
  }
  w.push_back(static_cast<uint8_t>(v));
}

inline void put_hpack_string(Wire& w, std::string_view s) {
  put_hpack_int(w, 0x00, 7, s.size());
  w.insert(w.end(), s.begin(), s.end());
}

inline Wire hpack_block(const std::vector<std::pair<std::string, std::string>>& fields) {
  Wire w;
  for (const auto& [name, value] : fields) {
    w.push_back(0x00);
    put_hpack_string(w, name);
    put_hpack_string(w, value);
  }
  return w;
}

inline Wire frame(uint8_t type, uint8_t flags, uint32_t stream, const Wire& payload) {
  Wire w;
  put_be(w, static_cast<uint32_t>(payload.size()), 3);
  w.push_back(type);
  w.push_back(flags);
  put_be(w, stream, 4);
  w.insert(w.end(), payload.begin(), payload.end());
  return w;
}

inline Wire settings(const std::vector<std::pair<uint16_t, uint32_t>>& entries) {
  Wire p;
  for (auto [id, value] : entries) {
    put_be(p, id, 2);
    put_be(p, value, 4);
  }
  return frame(0x4, 0, 0, p);
}

inline Wire settings_ack() { return frame(0x4, 0x1, 0, {}); }

inline Wire window_update(uint32_t stream, uint32_t increment) {
  Wire p;
  put_be(p, increment, 4);
  return frame(0x8, 0, stream, p);
}

// `weight` is the wire byte (0..255).
inline Wire priority(uint32_t stream, bool exclusive, uint32_t depends_on, uint8_t weight) {
  Wire p;
  put_be(p, (exclusive ? 0x80000000u : 0u) | depends_on, 4);
  p.push_back(weight);
  return frame(0x2, 0, stream, p);
}

inline Wire headers(uint32_t stream, const Wire& block, uint8_t flags = 0x4 | 0x1) {
  return frame(0x1, flags, stream, block);
}

inline Wire continuation(uint32_t stream, const Wire& block, bool end_headers) {
  return frame(0x9, end_headers ? 0x4 : 0, stream, block);
}

inline Wire magic() {
  const std::string_view m = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  return Wire(m.begin(), m.end());
}

inline Wire concat(std::initializer_list<Wire> parts) {
  Wire w;
  for (const Wire& p : parts) w.insert(w.end(), p.begin(), p.end());
  return w;
}

inline Wire bytes_of(std::string_view s) { return Wire(s.begin(), s.end()); }

}  // namespace fp::http::test
