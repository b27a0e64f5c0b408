#include "http/hpack.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace fp::http {
namespace {

// Every allocation nghttp2 makes while decoding one block (the inflater, its dynamic table, a
// buffer per Huffman-coded string) comes from this stack arena by bumping an offset, and is
// released all at once when the block is done: malloc and free were a third of a browser
// preface's cost. What does not fit falls back to the heap. Each piece carries its size in a
// header so realloc can copy.
class DecodeArena {
 public:
  static constexpr size_t kBytes = 16 * 1024;  // a browser's first block needs about 6 KiB

  // nghttp2 1.52 keeps this pointer in the inflater (despite its documentation saying it copies
  // the struct), so it lives in the arena, which outlives the inflater.
  [[nodiscard]] nghttp2_mem* allocator() noexcept { return &mem_; }

 private:
  static constexpr size_t kAlign = alignof(std::max_align_t);
  static constexpr size_t kHeader = kAlign;  // holds the piece's size, keeps the piece aligned

  [[nodiscard]] bool owns(const void* p) const noexcept {
    const auto* b = static_cast<const std::byte*>(p);
    return b >= buffer_.data() && b < buffer_.data() + buffer_.size();
  }
  void* allocate(size_t n) noexcept {
    const size_t need = kHeader + (n + kAlign - 1) / kAlign * kAlign;
    if (n > kBytes || need > buffer_.size() - used_) return std::malloc(n);
    std::byte* piece = buffer_.data() + used_;
    used_ += need;
    std::memcpy(piece, &n, sizeof n);
    return piece + kHeader;
  }
  void* reallocate(void* p, size_t n) noexcept {
    if (p == nullptr) return allocate(n);
    if (!owns(p)) return std::realloc(p, n);
    size_t old = 0;
    std::memcpy(&old, static_cast<std::byte*>(p) - kHeader, sizeof old);
    void* moved = allocate(n);
    if (moved != nullptr) std::memcpy(moved, p, std::min(old, n));
    return moved;
  }
  void release(void* p) noexcept {
    if (!owns(p)) std::free(p);  // arena pieces go when the arena does
  }

  static void* malloc_cb(size_t n, void* self) {
    return static_cast<DecodeArena*>(self)->allocate(n);
  }
  static void free_cb(void* p, void* self) { static_cast<DecodeArena*>(self)->release(p); }
  static void* calloc_cb(size_t count, size_t size, void* self) {
    if (size != 0 && count > SIZE_MAX / size) return nullptr;
    void* p = static_cast<DecodeArena*>(self)->allocate(count * size);
    if (p != nullptr) std::memset(p, 0, count * size);
    return p;
  }
  static void* realloc_cb(void* p, size_t n, void* self) {
    return static_cast<DecodeArena*>(self)->reallocate(p, n);
  }

  nghttp2_mem mem_{this, &DecodeArena::malloc_cb, &DecodeArena::free_cb, &DecodeArena::calloc_cb,
                   &DecodeArena::realloc_cb};
  alignas(kAlign) std::array<std::byte, kBytes> buffer_;
  size_t used_ = 0;
};

struct InflaterDeleter {
  void operator()(nghttp2_hd_inflater* p) const noexcept { nghttp2_hd_inflate_del(p); }
};
using Inflater = std::unique_ptr<nghttp2_hd_inflater, InflaterDeleter>;

Inflater make_inflater(DecodeArena& arena) noexcept {
  nghttp2_hd_inflater* raw = nullptr;
  if (nghttp2_hd_inflate_new2(&raw, arena.allocator()) != 0) return nullptr;
  return Inflater(raw);
}

// A browser's first request carries 15 to 25 fields.
constexpr size_t kTypicalHeaders = 32;

// RFC 7541 4.1: the size of an entry is name + value + 32.
constexpr size_t kEntryOverhead = 32;

}  // namespace

Result<std::vector<Header>, Http2Error> hpack_decode(Bytes block, size_t max_decoded) noexcept {
  try {
    DecodeArena arena;  // declared before the inflater, so it outlives it
    Inflater inflater = make_inflater(arena);
    if (!inflater) return Unexpected{Http2Error::kTooLarge};
    std::vector<Header> out;
    out.reserve(kTypicalHeaders);  // growing one field at a time was a tenth of a preface's cost
    size_t decoded = 0;
    Bytes in = block;
    for (;;) {
      nghttp2_nv nv;
      int flags = 0;
      // in_final = 1: the whole block is here, so a truncated field is an error, not "more".
      const auto used =
          nghttp2_hd_inflate_hd2(inflater.get(), &nv, &flags, in.data(), in.size(), 1);
      if (used < 0) return Unexpected{Http2Error::kBadHeaderBlock};
      in = in.subspan(static_cast<size_t>(used));
      if (flags & NGHTTP2_HD_INFLATE_EMIT) {
        decoded += nv.namelen + nv.valuelen + kEntryOverhead;
        if (decoded > max_decoded) return Unexpected{Http2Error::kTooLarge};
        Header& field = out.emplace_back();  // built in place: no temporary to move
        field.name.assign(reinterpret_cast<const char*>(nv.name), nv.namelen);
        field.value.assign(reinterpret_cast<const char*>(nv.value), nv.valuelen);
      }
      if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
      if (used == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT)) {
        return Unexpected{Http2Error::kBadHeaderBlock};  // no progress: cannot happen, but bound it
      }
    }
    nghttp2_hd_inflate_end_headers(inflater.get());
    return out;
  } catch (...) {
    return Unexpected{Http2Error::kTooLarge};  // allocation failure
  }
}

}  // namespace fp::http
