// Identification of one observation against the whole committed profile database: exact
// lookup, then similarity to every profile, then the classifier from data/models when the two
// leave the client open (the issue asks for a median at or under 20 us).
// Run: fp_bench --benchmark_filter=Identify --benchmark_repetitions=10
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "identify/classifier.h"
#include "identify/classifier_model.h"
#include "identify/committed_profiles.h"
#include "identify/identity.h"

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fp::identify::Profile> committed_profiles() {
  return fp::identify::test::committed_profiles(FP_ROOT_DIR);
}

const fp::identify::Identifier& identifier() {
  static const fp::identify::Identifier id(committed_profiles());
  return id;
}

// A Chrome-like hello no profile lists exactly (ALPS at its new code point, SCT dropped), so
// lookup misses and similarity scans the database: the slow path.
fp::identify::Observation unseen_chrome() {
  fp::identify::Observation o;
  (void)fp::identify::parse_ja4_raw(
      "t13d1616h2_1302,1301,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_"
      "0000,0017,ff01,000a,000b,0023,0010,0005,000d,0033,002d,002b,001b,44cd,fe0d,0015_"
      "0403,0804,0401,0503,0805,0501,0806,0601",
      o);
  (void)fp::identify::parse_ja3_raw(
      "771,4866-4865-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
      "0-23-65281-10-11-35-16-5-13-51-45-43-27-17613-65037-21,4588-29-23-24,0",
      o);
  fp::identify::set_akamai("1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p", o);
  o.user_agent =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/140.0.0.0 Safari/537.36";
  return o;
}

void BM_IdentifyUnseenChrome(benchmark::State& state) {
  const auto& id = identifier();
  const fp::identify::Observation o = unseen_chrome();
  for (auto _ : state) benchmark::DoNotOptimize(id.identify(o));
}
BENCHMARK(BM_IdentifyUnseenChrome);

void BM_IdentifyExactJa4(benchmark::State& state) {
  const auto& id = identifier();
  fp::identify::Observation o;
  o.of(fp::identify::FingerprintKind::kJa4) = "t13d1516h2_8daaf6152771_02713d6af862";
  for (auto _ : state) benchmark::DoNotOptimize(id.identify(o));
}
BENCHMARK(BM_IdentifyExactJa4);

// The committed classifier; nullptr when data/models is missing or does not load. Never freed:
// a Booster freed after main() returns crashes inside libxgboost, whose statics are gone.
const fp::identify::Classifier* classifier() {
  static const fp::identify::Classifier* model = []() -> const fp::identify::Classifier* {
    const std::filesystem::path dir = std::filesystem::path(FP_ROOT_DIR) / "data" / "models";
    const fp::identify::ModelFiles files{read_text(dir / "client.json"),
                                         read_text(dir / "tls_library.json"),
                                         read_text(dir / "metadata.json")};
    std::string error;
    std::optional<fp::identify::Classifier> c = fp::identify::Classifier::load(files, error);
    return c ? new fp::identify::Classifier(std::move(*c)) : nullptr;
  }();
  return model;
}

// A hello no profile is near (so lookup misses, similarity scans everything and names nothing):
// the model stage runs too. The slowest path of identify().
void BM_IdentifyWithModel(benchmark::State& state) {
  if (classifier() == nullptr) {
    state.SkipWithError("no model in data/models");
    return;
  }
  static const fp::identify::ClassifierModel model(*classifier());
  static fp::identify::Identifier id(committed_profiles());
  id.set_model(&model);
  fp::identify::Observation o;
  (void)fp::identify::parse_ja4_raw("t12d0403h1_0004,0005,000a,0016_0001,0002,0003_0201,0202", o);
  for (auto _ : state) benchmark::DoNotOptimize(id.identify(o));
}
BENCHMARK(BM_IdentifyWithModel);

}  // namespace
