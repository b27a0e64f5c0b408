#pragma once
// A vector of at most N elements stored inline: for short lists that every packet carries (TCP
// options), where a heap allocation per packet would cost more than the parse itself. The
// storage is left uninitialised and a copy copies only the elements held: a packet is built and
// moved for every frame, and zeroing or copying all N slots cost more than parsing the packet.

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>

namespace fp {

template <typename T, size_t N>
class InlineVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "elements are copied as bytes and never destroyed");

 public:
  // User-provided, so that value-initialising an owner (`Packet{}`) does not zero the storage.
  InlineVector() noexcept {}  // NOLINT(modernize-use-equals-default)
  InlineVector(const InlineVector& other) noexcept : size_(other.size_) { copy_items(other); }
  InlineVector& operator=(const InlineVector& other) noexcept {
    size_ = other.size_;
    copy_items(other);
    return *this;
  }

  // False, and nothing stored, when full: callers treat that as a limit reached.
  bool push_back(const T& value) noexcept {
    if (size_ == N) return false;
    std::construct_at(reinterpret_cast<T*>(storage_) + size_, value);
    ++size_;
    return true;
  }

  [[nodiscard]] size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] static constexpr size_t capacity() noexcept { return N; }
  const T& operator[](size_t i) const noexcept { return begin()[i]; }
  const T& back() const noexcept { return begin()[size_ - 1]; }
  const T& front() const noexcept { return begin()[0]; }
  const T* begin() const noexcept { return std::launder(reinterpret_cast<const T*>(storage_)); }
  const T* end() const noexcept { return begin() + size_; }

 private:
  void copy_items(const InlineVector& other) noexcept {
    if (this != &other && size_ > 0) std::memcpy(storage_, other.storage_, size_ * sizeof(T));
  }

  alignas(T) unsigned char storage_[N * sizeof(T)];
  size_t size_ = 0;
};

}  // namespace fp
