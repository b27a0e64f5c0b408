// TreeModel::from_json on any text: never crashes or hangs; a model it accepts predicts, for
// any row, one probability per class, each in [0, 1], summing to 1.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "identify/tree_model.h"

namespace {

void check_probabilities(const fp::identify::detail::TreeModel& model,
                         const std::vector<float>& row) {
  const std::vector<float> p = model.predict(row);
  if (p.size() != model.class_count()) std::abort();
  double sum = 0;
  for (float v : p) {
    if (!(v >= 0 && v <= 1)) std::abort();
    sum += v;
  }
  if (std::fabs(sum - 1) > 1e-3) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const std::optional<fp::identify::detail::TreeModel> model =
      fp::identify::detail::TreeModel::from_json(text, error);
  if (!model) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  const size_t n = model->feature_count();
  check_probabilities(*model, std::vector<float>(n, std::numeric_limits<float>::quiet_NaN()));
  check_probabilities(*model, std::vector<float>(n, 0.0F));
  // A row made of the input's bytes, so that every split can go either way.
  std::vector<float> row(n);
  for (size_t i = 0; i < n; ++i)
    row[i] = size == 0 ? 0.0F : static_cast<float>(data[i % size]) - 64;
  check_probabilities(*model, row);
  if (!model->predict(std::vector<float>(n - 1)).empty()) std::abort();  // too short
  return 0;
}
