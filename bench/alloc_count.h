#pragma once
// Heap allocations made by this thread, counted by the global operator new that fp_bench
// replaces (alloc_count.cc). Benchmarks report allocations per iteration beside the time: in
// the per-hello path they cost more than any single fingerprint.

#include <benchmark/benchmark.h>

#include <cstdint>

namespace fp::bench {

[[nodiscard]] uint64_t allocations() noexcept;

// Runs `body` once per benchmark iteration and adds an `allocs` counter: allocations per
// iteration.
template <typename Body>
void run_counting_allocations(benchmark::State& state, Body&& body) {
  const uint64_t before = allocations();
  for (auto _ : state) body();
  const double made = static_cast<double>(allocations() - before);
  state.counters["allocs"] = benchmark::Counter(made / static_cast<double>(state.iterations()));
}

}  // namespace fp::bench
