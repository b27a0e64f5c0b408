#pragma once
// A progress bar on stderr while a large capture is read, only when stderr is a terminal.

#include <cstdint>
#include <string>

namespace fp::cli {

class Progress {
 public:
  // Shown only for files of at least kMinBytes, and only on a terminal.
  static constexpr uint64_t kMinBytes = 50ull << 20;
  Progress(const std::string& label, uint64_t total_bytes);
  ~Progress();
  void update(uint64_t done_bytes);

 private:
  std::string label_;
  uint64_t total_ = 0;
  bool enabled_ = false;
  int last_percent_ = -1;
};

}  // namespace fp::cli
