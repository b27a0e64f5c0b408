#include "alloc_count.h"

#include <cstdlib>
#include <new>

namespace {

thread_local uint64_t allocation_count = 0;

}  // namespace

namespace fp::bench {

uint64_t allocations() noexcept { return allocation_count; }

}  // namespace fp::bench

// The replaceable global allocation functions ([new.delete.single]); the array, nothrow and
// sized forms forward to these by default.
void* operator new(std::size_t size) {
  ++allocation_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
