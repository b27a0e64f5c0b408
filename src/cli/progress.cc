#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace fp::cli {

Progress::Progress(const std::string& label, uint64_t total_bytes)
    : label_(label), total_(total_bytes) {
  enabled_ = total_ >= kMinBytes && isatty(STDERR_FILENO) == 1;
}

Progress::~Progress() {
  if (enabled_ && last_percent_ >= 0) std::fputs("\r\033[K", stderr);
}

void Progress::update(uint64_t done_bytes) {
  if (!enabled_ || total_ == 0) return;
  const int percent = static_cast<int>(done_bytes * 100 / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%", label_.c_str(), filled,
               "##############################", kWidth - filled, "", percent);
}

}  // namespace fp::cli
