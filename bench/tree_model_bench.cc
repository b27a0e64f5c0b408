// One row through the committed models: our tree evaluator (identify/tree_model.h) against
// libxgboost's predict (identify/classifier_xgb.h), on the same rows — the feature vectors of
// the committed profiles, taken in turn.
// Run: fp_bench --benchmark_filter=Predict --benchmark_repetitions=10
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "identify/classifier_xgb.h"
#include "identify/committed_profiles.h"
#include "identify/features.h"
#include "identify/tree_model.h"

namespace {

using fp::identify::FeatureVector;

std::string model_text(const char* name) {
  std::ifstream in(std::filesystem::path(FP_ROOT_DIR) / "data" / "models" / name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<FeatureVector>& rows() {
  static const std::vector<FeatureVector> all = [] {
    std::vector<FeatureVector> out;
    for (const auto& p : fp::identify::test::committed_profiles(FP_ROOT_DIR)) {
      out.push_back(fp::identify::compute_features(fp::identify::wire_data_of(p)));
    }
    return out;
  }();
  return all;
}

const char* model_name(const benchmark::State& state) {
  return state.range(0) == 0 ? "client.json" : "tls_library.json";
}

void BM_PredictTreeModel(benchmark::State& state) {
  std::string error;
  const auto model =
      fp::identify::detail::TreeModel::from_json(model_text(model_name(state)), error);
  if (!model || rows().empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model->predict(rows()[i]));
    i = (i + 1) % rows().size();
  }
  state.SetLabel(model_name(state));
}
BENCHMARK(BM_PredictTreeModel)->Arg(0)->Arg(1);

void BM_PredictLibxgboost(benchmark::State& state) {
  // Never freed: a Booster freed after main() returns crashes inside libxgboost.
  auto* booster = new fp::identify::detail::Booster;
  std::string error;
  if (!booster->load_json(model_text(model_name(state)), error) || rows().empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  const size_t cols = fp::identify::feature_count();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(booster->predict(rows()[i], cols));
    i = (i + 1) % rows().size();
  }
  state.SetLabel(model_name(state));
}
BENCHMARK(BM_PredictLibxgboost)->Arg(0)->Arg(1);

// Reading the model text (Boost.JSON, checks, flattening): paid once per model load.
void BM_TreeModelFromJson(benchmark::State& state) {
  const std::string text = model_text(model_name(state));
  std::string error;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fp::identify::detail::TreeModel::from_json(text, error));
  }
  state.SetLabel(model_name(state));
}
BENCHMARK(BM_TreeModelFromJson)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
