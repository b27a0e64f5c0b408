// TCP module: parse a SYN, then JA4T and the p0f signature (the per-SYN work of a capture).
#include <benchmark/benchmark.h>

#include "tcp/ja4t.h"
#include "tcp/p0f.h"
#include "tcp/packet.h"
#include "tcp/packet_builder.h"

namespace {

namespace t = fp::tcp::test;

const t::Wire& linux_syn() {
  static const t::Wire w = t::ipv4({}, t::tcp_segment({.options = t::linux_options()}));
  return w;
}

const t::Wire& ipv6_macos_syn() {
  static const t::Wire w = t::ipv6(
      {}, t::tcp_segment({.window = 65535,
                          .options = t::cat({t::mss(1440), t::nop(), t::ws(6), t::nop(), t::nop(),
                                             t::ts(1, 0), t::sok(), t::eol(), t::eol()})}));
  return w;
}

void run(benchmark::State& state, const t::Wire& wire, bool ja4, bool p0f) {
  for (auto _ : state) {
    auto packet = fp::tcp::parse_ip_packet(wire);
    benchmark::DoNotOptimize(packet);
    if (ja4) benchmark::DoNotOptimize(fp::tcp::ja4t(packet->tcp));
    if (p0f) benchmark::DoNotOptimize(fp::tcp::p0f_signature(*packet));
  }
}

void BM_TcpParseSyn(benchmark::State& s) { run(s, linux_syn(), false, false); }
void BM_TcpParseSynJa4t(benchmark::State& s) { run(s, linux_syn(), true, false); }
void BM_TcpParseSynP0f(benchmark::State& s) { run(s, linux_syn(), false, true); }
void BM_TcpSynAll(benchmark::State& s) { run(s, linux_syn(), true, true); }
void BM_TcpSynAllIpv6(benchmark::State& s) { run(s, ipv6_macos_syn(), true, true); }

BENCHMARK(BM_TcpParseSyn);
BENCHMARK(BM_TcpParseSynJa4t);
BENCHMARK(BM_TcpParseSynP0f);
BENCHMARK(BM_TcpSynAll);
BENCHMARK(BM_TcpSynAllIpv6);

}  // namespace
