// The only file that speaks libxgboost's C API. The library is loaded when a booster is first
// used (dlopen), not at process start: with libdmlc it brought 6,000 symbol bindings and about
// 2.8 ms of CPU to the start of every run of the program, `analyze` included, which never trains
// (prediction has its own evaluator, identify/tree_model.h).
#include "identify/classifier_xgb.h"

#include <dlfcn.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace fp::identify::detail {
namespace {

constexpr float kMissingValue = std::numeric_limits<float>::quiet_NaN();

// Debian's libxgboost-dev installs the library under this soname.
constexpr const char* kLibrary = "libxgboost.so.0";

// The C API functions this file calls, by name.
// clang-format off
#define FP_XGB_FUNCTIONS(X)                                                          \
  X(XGBGetLastError) X(XGBSetGlobalConfig)                                           \
  X(XGDMatrixCreateFromMat) X(XGDMatrixFree) X(XGDMatrixSetFloatInfo)                \
  X(XGBoosterCreate) X(XGBoosterFree) X(XGBoosterSetParam) X(XGBoosterUpdateOneIter) \
  X(XGBoosterLoadModelFromBuffer) X(XGBoosterSaveModelToBuffer)                      \
  X(XGBoosterPredictFromDMatrix)
// clang-format on

struct XgbApi {
#define FP_XGB_POINTER(name) decltype(&::name) name = nullptr;
  FP_XGB_FUNCTIONS(FP_XGB_POINTER)
#undef FP_XGB_POINTER
  bool loaded = false;
  std::string load_error;
};

XgbApi load_api() {
  XgbApi api;
  void* library = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);  // never closed: boosters outlive calls
  if (library == nullptr) {
    const char* why = dlerror();
    api.load_error = why != nullptr ? why : kLibrary;
    return api;
  }
  bool all = true;
#define FP_XGB_RESOLVE(name)                                              \
  api.name = reinterpret_cast<decltype(api.name)>(dlsym(library, #name)); \
  all &= api.name != nullptr;
  FP_XGB_FUNCTIONS(FP_XGB_RESOLVE)
#undef FP_XGB_RESOLVE
  api.loaded = all;
  if (!all) api.load_error = std::string(kLibrary) + " lacks a function of the C API";
  return api;
}

// Loaded once, on first use, thread-safe (a function-local static).
const XgbApi& xgb() {
  static const XgbApi api = load_api();
  return api;
}

#undef FP_XGB_FUNCTIONS

// One DMatrix, freed on scope exit.
class Matrix {
 public:
  Matrix(std::span<const float> data, size_t cols) {
    const size_t rows = cols == 0 ? 0 : data.size() / cols;
    if (xgb().XGDMatrixCreateFromMat(data.data(), rows, cols, kMissingValue, &handle_) != 0) {
      handle_ = nullptr;
    }
  }
  ~Matrix() {
    if (handle_ != nullptr) xgb().XGDMatrixFree(handle_);
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  [[nodiscard]] DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

bool fail(std::string& error) {
  error = xgb().loaded ? xgb().XGBGetLastError() : xgb().load_error;
  return false;
}

// XGBoost logs to stderr by default; a library must stay quiet.
// False when the library could not be loaded.
bool quiet() {
  if (!xgb().loaded) return false;
  static const bool done = [] { return xgb().XGBSetGlobalConfig(R"({"verbosity": 0})") == 0; }();
  (void)done;
  return true;
}

}  // namespace

Booster::~Booster() {
  if (handle_ != nullptr) xgb().XGBoosterFree(handle_);
}

Booster::Booster(Booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) xgb().XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

bool Booster::train(std::span<const float> data, size_t cols, std::span<const float> labels,
                    int num_classes, const BoosterParams& params, std::string& error) {
  if (!quiet()) return fail(error);
  Matrix matrix(data, cols);
  if (matrix.get() == nullptr) return fail(error);
  if (xgb().XGDMatrixSetFloatInfo(matrix.get(), "label", labels.data(), labels.size()) != 0) {
    return fail(error);
  }
  if (handle_ != nullptr) xgb().XGBoosterFree(handle_);
  handle_ = nullptr;
  DMatrixHandle train_set[1] = {matrix.get()};
  if (xgb().XGBoosterCreate(train_set, 1, &handle_) != 0) return fail(error);
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
    if (xgb().XGBoosterSetParam(handle_, key, value.c_str()) != 0) return fail(error);
  }
  for (int i = 0; i < params.rounds; ++i) {
    if (xgb().XGBoosterUpdateOneIter(handle_, i, matrix.get()) != 0) return fail(error);
  }
  return true;
}

bool Booster::load_json(std::string_view json, std::string& error) {
  if (!quiet()) return fail(error);
  if (handle_ != nullptr) xgb().XGBoosterFree(handle_);
  handle_ = nullptr;
  if (xgb().XGBoosterCreate(nullptr, 0, &handle_) != 0) return fail(error);
  if (xgb().XGBoosterLoadModelFromBuffer(handle_, json.data(), json.size()) != 0) {
    xgb().XGBoosterFree(handle_);
    handle_ = nullptr;
    return fail(error);
  }
  // A loaded booster keeps default nthread; predict single-threaded like training.
  (void)xgb().XGBoosterSetParam(handle_, "nthread", "1");
  return true;
}

std::string Booster::save_json() const {
  if (handle_ == nullptr) return {};
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (xgb().XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &length, &bytes) != 0) {
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
  if (xgb().XGBoosterPredictFromDMatrix(handle_, matrix.get(), kConfig, &shape, &dims, &out) != 0) {
    return {};
  }
  size_t total = 1;
  for (bst_ulong i = 0; i < dims; ++i) total *= shape[i];
  return std::vector<float>(out, out + total);
}

}  // namespace fp::identify::detail
