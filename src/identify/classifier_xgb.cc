// The only file that speaks libxgboost's C API.
#include "identify/classifier_xgb.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace fp::identify::detail {
namespace {

constexpr float kMissingValue = std::numeric_limits<float>::quiet_NaN();

// One DMatrix, freed on scope exit.
class Matrix {
 public:
  Matrix(std::span<const float> data, size_t cols) {
    const size_t rows = cols == 0 ? 0 : data.size() / cols;
    if (XGDMatrixCreateFromMat(data.data(), rows, cols, kMissingValue, &handle_) != 0) {
      handle_ = nullptr;
    }
  }
  ~Matrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  [[nodiscard]] DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

bool fail(std::string& error) {
  error = XGBGetLastError();
  return false;
}

// XGBoost logs to stderr by default; a library must stay quiet.
void quiet() {
  static const bool done = [] { return XGBSetGlobalConfig(R"({"verbosity": 0})") == 0; }();
  (void)done;
}

}  // namespace

Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

Booster::Booster(Booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

bool Booster::train(std::span<const float> data, size_t cols, std::span<const float> labels,
                    int num_classes, const BoosterParams& params, std::string& error) {
  quiet();
  Matrix matrix(data, cols);
  if (matrix.get() == nullptr) return fail(error);
  if (XGDMatrixSetFloatInfo(matrix.get(), "label", labels.data(), labels.size()) != 0) {
    return fail(error);
  }
  if (handle_ != nullptr) XGBoosterFree(handle_);
  handle_ = nullptr;
  DMatrixHandle train_set[1] = {matrix.get()};
  if (XGBoosterCreate(train_set, 1, &handle_) != 0) return fail(error);
  const std::pair<const char*, std::string> settings[] = {
      {"booster", "gbtree"},
      {"objective", "multi:softprob"},
      {"num_class", std::to_string(num_classes)},
      {"max_depth", std::to_string(params.max_depth)},
      {"eta", std::to_string(params.eta)},
      {"seed", std::to_string(params.seed)},
      {"nthread", "1"},
      {"tree_method", "exact"},
      {"subsample", "1"},
      {"colsample_bytree", "1"},
      {"verbosity", "0"},
  };
  for (const auto& [key, value] : settings) {
    if (XGBoosterSetParam(handle_, key, value.c_str()) != 0) return fail(error);
  }
  for (int i = 0; i < params.rounds; ++i) {
    if (XGBoosterUpdateOneIter(handle_, i, matrix.get()) != 0) return fail(error);
  }
  return true;
}

bool Booster::load_json(std::string_view json, std::string& error) {
  quiet();
  if (handle_ != nullptr) XGBoosterFree(handle_);
  handle_ = nullptr;
  if (XGBoosterCreate(nullptr, 0, &handle_) != 0) return fail(error);
  if (XGBoosterLoadModelFromBuffer(handle_, json.data(), json.size()) != 0) {
    XGBoosterFree(handle_);
    handle_ = nullptr;
    return fail(error);
  }
  // A loaded booster keeps default nthread; predict single-threaded like training.
  (void)XGBoosterSetParam(handle_, "nthread", "1");
  return true;
}

std::string Booster::save_json() const {
  if (handle_ == nullptr) return {};
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &length, &bytes) != 0) {
    return {};
  }
  return std::string(bytes, length);
}

std::vector<float> Booster::predict(std::span<const float> data, size_t cols) const {
  if (handle_ == nullptr) return {};
  Matrix matrix(data, cols);
  if (matrix.get() == nullptr) return {};
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* out = nullptr;
  constexpr const char* kConfig =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0,)"
      R"( "strict_shape": true})";
  if (XGBoosterPredictFromDMatrix(handle_, matrix.get(), kConfig, &shape, &dims, &out) != 0) {
    return {};
  }
  size_t total = 1;
  for (bst_ulong i = 0; i < dims; ++i) total *= shape[i];
  return std::vector<float>(out, out + total);
}

}  // namespace fp::identify::detail
