#pragma once
// A plain-text table of records for a terminal: one row per stream, the main fingerprints.

#include <string>
#include <vector>

#include "capture/record.h"

namespace fp::cli {

[[nodiscard]] std::string render_table(const std::vector<capture::StreamRecord>& records);

}  // namespace fp::cli
