#pragma once
// Reads tests/tcp/vectors/*.tsv (made by scripts/extract-tcp-vectors.sh): '#' lines are comments,
// other lines tab-separated fields, the last one an IP packet in hex.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fp::tcp::test {

using Row = std::vector<std::string>;

inline std::vector<Row> load_vectors(const std::string& name) {
  std::ifstream in(std::string(FP_SOURCE_DIR) + "/tests/tcp/vectors/" + name);
  std::vector<Row> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    Row row;
    std::stringstream fields(line);
    for (std::string f; std::getline(fields, f, '\t');) row.push_back(f);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace fp::tcp::test
