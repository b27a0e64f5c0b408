// The digests under every fingerprint, on inputs of the sizes the fingerprints hash: a Chrome
// JA3 string (MD5) and a JA4 cipher list (truncated SHA-256). They bound what JA3 and JA4 cost.
#include <benchmark/benchmark.h>

#include <string>

#include "core/hash.h"

namespace {

const std::string kJa3 =
    "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
    "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0";

const std::string kJa4Ciphers =
    "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9";

void BM_Md5Ja3String(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(fp::md5_hex(kJa3));
}

void BM_Sha256Hex12Ja4Ciphers(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(fp::sha256_hex12(kJa4Ciphers));
}

BENCHMARK(BM_Md5Ja3String);
BENCHMARK(BM_Sha256Hex12Ja4Ciphers);

}  // namespace
