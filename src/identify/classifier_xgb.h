#pragma once
// Internal: a multi-class XGBoost booster behind a header free of XGBoost types (STYLE.md 16).
// Only classifier_xgb.cc includes <xgboost/c_api.h>.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fp::identify::detail {

struct BoosterParams {
  uint64_t seed = 0;
  int rounds = 0;
  int max_depth = 0;
  double eta = 0;
};

class Booster {
 public:
  Booster() = default;
  ~Booster();
  Booster(Booster&& other) noexcept;
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  // `data` is rows × cols, row-major, NaN for missing; labels are 0 … num_classes-1. Single
  // threaded (nthread=1) and without sampling, so the same inputs give the same trees.
  [[nodiscard]] bool train(std::span<const float> data, size_t cols, std::span<const float> labels,
                           int num_classes, const BoosterParams& params, std::string& error);
  [[nodiscard]] bool load_json(std::string_view json, std::string& error);
  [[nodiscard]] std::string save_json() const;  // XGBoost's JSON model format
  // num_classes probabilities per row; empty on error or when nothing is loaded. ~100 us per
  // call whatever the row count: the classifier predicts with tree_model.h, and this is the
  // reference its tests and benchmark compare against.
  [[nodiscard]] std::vector<float> predict(std::span<const float> data, size_t cols) const;
  [[nodiscard]] bool loaded() const noexcept { return handle_ != nullptr; }

 private:
  void* handle_ = nullptr;  // BoosterHandle
};

}  // namespace fp::identify::detail
