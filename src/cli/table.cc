#include "cli/table.h"

#include <algorithm>
#include <array>

#include "core/utf8.h"

namespace fp::cli {
namespace {

constexpr size_t kMaxCell = 56;  // long SNIs and paths are cut so rows fit a terminal

std::string endpoint(const tcp::IpAddress& a, uint16_t port) {
  const std::string host = a.to_string();
  return (a.version == 6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string cell(const std::optional<std::string>& v) {
  if (!v || v->empty()) return "-";
  std::string s = to_valid_utf8(*v);
  if (s.size() > kMaxCell) s = s.substr(0, kMaxCell - 3) + "...";
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return s;
}

using Row = std::vector<std::string>;

Row row_of(const capture::StreamRecord& r, bool with_file) {
  Row row;
  if (with_file) row.push_back(r.file);
  row.push_back(r.transport + "/" + std::to_string(r.stream));
  row.push_back(endpoint(r.src, r.src_port));
  row.push_back(endpoint(r.dst, r.dst_port));
  row.push_back(cell(r.tls ? r.tls->server_name : std::nullopt));
  row.push_back(cell(r.tls ? std::optional(r.tls->ja4) : std::nullopt));
  row.push_back(cell(r.tls_server ? std::optional(r.tls_server->ja4s) : std::nullopt));
  row.push_back(cell(r.ja4t));
  row.push_back(cell(r.http.empty() ? std::nullopt : std::optional(r.http.front().ja4h)));
  row.push_back(cell(r.akamai ? std::optional(r.akamai->hash) : std::nullopt));
  return row;
}

void append_row(std::string& out, const Row& row, const std::vector<size_t>& widths) {
  for (size_t i = 0; i < row.size(); ++i) {
    out += row[i];
    if (i + 1 < row.size()) out.append(widths[i] - row[i].size() + 2, ' ');
  }
  out += '\n';
}

}  // namespace

std::string render_table(const std::vector<capture::StreamRecord>& records) {
  const bool with_file =
      std::any_of(records.begin(), records.end(), [](const auto& r) { return !r.file.empty(); });
  Row header = {"STREAM", "CLIENT", "SERVER", "SNI", "JA4", "JA4S", "JA4T", "JA4H", "AKAMAI"};
  if (with_file) header.insert(header.begin(), "FILE");
  std::vector<Row> rows = {header};
  for (const auto& r : records) rows.push_back(row_of(r, with_file));
  std::vector<size_t> widths(header.size(), 0);
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const Row& row : rows) append_row(out, row, widths);
  out += std::to_string(records.size()) + " streams with fingerprints\n";
  return out;
}

}  // namespace fp::cli
