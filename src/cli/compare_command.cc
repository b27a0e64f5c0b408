// `fingerprint compare A B`: the per-field similarity (src/identify/similarity.h) of two
// observations, each a JA4_r / JA4_ro string or a file of analyze JSON records (its first
// record with a ClientHello).
#include <CLI/CLI.hpp>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "engine/identify_support.h"
#include "identify/similarity.h"

namespace fp::cli {
using namespace fp::engine;  // the loading and identity helpers the service shares
namespace {

struct CompareOptions {
  std::string a, b;
};

std::optional<identify::Observation> from_file(const std::string& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object() || !v.as_object().contains("ja4")) continue;
    return observation_from_record(v.as_object());
  }
  return std::nullopt;
}

std::optional<identify::Observation> observation_of_arg(const std::string& arg) {
  identify::Observation o;
  if (identify::parse_ja4_raw(arg, o)) return o;
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) return from_file(arg);
  return std::nullopt;
}

std::string list_summary(const std::vector<uint16_t>& codes, bool sorted) {
  if (codes.empty()) return "-";
  return std::to_string(codes.size()) + (sorted ? " sorted" : "");
}

std::string side(const identify::Observation& o, identify::SimilarityField f) {
  using F = identify::SimilarityField;
  switch (f) {
    case F::kCiphers:
    case F::kCipherOrder:
      return list_summary(o.ciphers, o.ciphers_sorted);
    case F::kExtensions:
    case F::kExtensionOrder:
      return list_summary(o.extensions, o.extensions_sorted);
    case F::kGroups:
      return list_summary(o.groups, false);
    case F::kSigAlgs:
      return list_summary(o.sig_algs, false);
    case F::kH2:
      return o.h2_settings.empty() ? "-" : o.h2_settings;
    case F::kHeaderOrder:
      return o.header_order.empty() ? "-" : o.header_order.substr(0, 30);
  }
  return "-";
}

void print_table(const identify::Observation& a, const identify::Observation& b) {
  const identify::Similarity s = identify::compare(a, b);
  std::printf("%-16s %6s  %-30s %-30s %s\n", "field", "weight", "A", "B", "score");
  for (size_t i = 0; i < identify::kSimilarityFields; ++i) {
    const auto f = static_cast<identify::SimilarityField>(i);
    const std::string score = s.fields[i] ? std::to_string(*s.fields[i]).substr(0, 5) : "-";
    std::printf("%-16s %6.1f  %-30s %-30s %s\n", std::string(identify::field_name(f)).c_str(),
                identify::field_weight(f), side(a, f).c_str(), side(b, f).c_str(), score.c_str());
  }
  std::printf("quality %.3f  coverage %.3f\n", s.quality, s.coverage);
}

int run_compare(const CompareOptions& o) {
  const auto a = observation_of_arg(o.a);
  const auto b = observation_of_arg(o.b);
  for (const auto& [obs, arg] : {std::pair{&a, &o.a}, std::pair{&b, &o.b}}) {
    if (*obs) continue;
    std::fprintf(stderr, "fingerprint: %s: neither a JA4_r/JA4_ro string nor a file of records\n",
                 arg->c_str());
    return kExitUsage;
  }
  print_table(*a, *b);
  return kExitOk;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand("compare", "Per-field similarity of two observations");
  cmd->add_option("a", o->a, "JA4_r / JA4_ro string, or a file of analyze JSON records")
      ->required();
  cmd->add_option("b", o->b, "The same, for the other side")->required();
  cmd->callback([o, &exit_status] { exit_status = run_compare(*o); });
}

}  // namespace fp::cli
