#pragma once
// A vector of at most N elements stored inline: for short lists that every packet carries (TCP
// options), where a heap allocation per packet would cost more than the parse itself.

#include <array>
#include <cstddef>

namespace fp {

template <typename T, size_t N>
class InlineVector {
 public:
  // False, and nothing stored, when full: callers treat that as a limit reached.
  bool push_back(const T& value) noexcept {
    if (size_ == N) return false;
    items_[size_++] = value;
    return true;
  }

  [[nodiscard]] size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] static constexpr size_t capacity() noexcept { return N; }
  const T& operator[](size_t i) const noexcept { return items_[i]; }
  const T& back() const noexcept { return items_[size_ - 1]; }
  const T& front() const noexcept { return items_[0]; }
  const T* begin() const noexcept { return items_.data(); }
  const T* end() const noexcept { return items_.data() + size_; }

 private:
  std::array<T, N> items_{};
  size_t size_ = 0;
};

}  // namespace fp
