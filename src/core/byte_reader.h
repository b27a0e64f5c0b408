#pragma once
// One bounds-checked cursor for every read of untrusted bytes (STYLE.md 8), in the manner of
// BoringSSL's CBS. A failed read returns nullopt and leaves the cursor where it was.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace fp {

using Bytes = std::span<const uint8_t>;

class ByteReader {
 public:
  explicit ByteReader(Bytes data) noexcept : data_(data) {}

  [[nodiscard]] size_t remaining() const noexcept { return data_.size() - pos_; }
  [[nodiscard]] bool empty() const noexcept { return remaining() == 0; }
  [[nodiscard]] size_t position() const noexcept { return pos_; }
  [[nodiscard]] Bytes rest() const noexcept { return data_.subspan(pos_); }

  [[nodiscard]] std::optional<uint8_t> u8() noexcept { return read_be<uint8_t, 1>(); }
  [[nodiscard]] std::optional<uint16_t> u16() noexcept { return read_be<uint16_t, 2>(); }
  [[nodiscard]] std::optional<uint32_t> u24() noexcept { return read_be<uint32_t, 3>(); }
  [[nodiscard]] std::optional<uint32_t> u32() noexcept { return read_be<uint32_t, 4>(); }

  // Little-endian reads, for capture file headers such as Linux SLL2's hatype fields.
  [[nodiscard]] std::optional<uint16_t> u16_le() noexcept {
    auto v = read_be<uint16_t, 2>();
    if (!v) return std::nullopt;
    return static_cast<uint16_t>((*v >> 8) | (*v << 8));
  }

  [[nodiscard]] std::optional<Bytes> bytes(size_t n) noexcept {
    if (remaining() < n) return std::nullopt;
    Bytes out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  [[nodiscard]] bool skip(size_t n) noexcept { return bytes(n).has_value(); }

  // A vector prefixed by its length in N bytes (TLS `opaque x<0..2^(8N)-1>`).
  template <size_t N>
  [[nodiscard]] std::optional<Bytes> length_prefixed() noexcept {
    const size_t start = pos_;
    auto len = read_be<uint32_t, N>();
    if (!len) return std::nullopt;
    auto body = bytes(*len);
    if (!body) pos_ = start;
    return body;
  }

 private:
  template <typename T, size_t N>
  std::optional<T> read_be() noexcept {
    if (remaining() < N) return std::nullopt;
    uint32_t v = 0;
    for (size_t i = 0; i < N; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += N;
    return static_cast<T>(v);
  }

  Bytes data_;
  size_t pos_ = 0;
};

}  // namespace fp
