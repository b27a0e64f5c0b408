// `fingerprint analyze [--format jsonl|json|table] [--fields K,...] [--keylog FILE]
// [--identify [--db DIR] [--p0f-db FILE] [--models DIR]] FILE...`: one record per stream, with
// its `identity` when asked.
#include <CLI/CLI.hpp>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "capture/analyzer.h"
#include "capture/link_layer.h"
#include "capture/pcap_reader.h"
#include "capture/record_json.h"
#include "cli/commands.h"
#include "cli/key_log_loader.h"
#include "cli/progress.h"
#include "cli/record_writer.h"
#include "engine/identify_support.h"

namespace fp::cli {
using namespace fp::engine;  // the loading and identity helpers the service shares
namespace {

struct AnalyzeOptions {
  std::string format = "jsonl";
  std::vector<std::string> files;
  bool stats = false;
  bool identify = false;
  std::string db;
  std::string p0f_db;
  std::string models;
  std::string keylog;  // NSS key log file: decrypt TLS whose secrets it holds
  std::string fields;  // `--fields ja3,ja4`: only these keys
};

// `--stats`: every counter (capture/counters.h), as `name value` pairs on one stderr line.
void report_counters(const std::string& file, const capture::AnalyzerCounters& c) {
  std::string line = file + ":";
  const char* separator = " ";
  capture::for_each_counter(c, [&](const char* name, uint64_t value) {
    line += separator;
    line += name;
    line += ' ';
    line += std::to_string(value);
    separator = ", ";
  });
  std::fprintf(stderr, "%s\n", line.c_str());
}

// The record's fields as the identifier reads them: through its JSON, the one shape
// `identify` also reads from stdin.
void add_identity(const identify::Identifier& identifier, const identify::P0fDatabase* p0f,
                  capture::StreamRecord& r) {
  if (!r.tls && r.http.empty() && !r.akamai && !r.ja4t) return;
  const auto record = boost::json::parse(capture::to_json_line(r)).as_object();
  r.identity = identity_json(identifier.identify(observation_from_record(record, p0f)));
}

// Reads one file to the writer. Returns false when the file could not be read whole.
bool analyze_file(const std::string& path, bool tag_file, bool stats, RecordWriter& writer,
                  const identify::Identifier* identifier, const identify::P0fDatabase* p0f,
                  const decrypt::KeyLog* keylog, const capture::FieldSelection* fields) {
  std::string error;
  auto reader = capture::PcapReader::open(path, error);
  if (!reader) {
    // libpcap names the file itself when fopen fails ("x.pcap: No such file or directory").
    if (error.starts_with(path + ": ")) error.erase(0, path.size() + 2);
    std::fprintf(stderr, "fingerprint: %s: %s\n", path.c_str(), error.c_str());
    return false;
  }
  if (!capture::link_type_supported(reader->link_type())) {
    // Not one frame could be decoded: say so and fail, rather than exit 0 with no records.
    std::fprintf(stderr, "fingerprint: %s: link type %d is not supported\n", path.c_str(),
                 reader->link_type());
    return false;
  }
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  Progress progress(path, ec ? 0 : size);
  // Declared before the analyzer, which holds a pointer to it.
  const auto key_log = key_log_for_capture(path, keylog, stats);  // --keylog + the file's own
  capture::Analyzer analyzer([&](capture::StreamRecord&& r) {
    if (tag_file) r.file = path;
    if (identifier) add_identity(*identifier, p0f, r);
    writer.write(std::move(r));
  });
  if (key_log) analyzer.set_key_log(&*key_log);
  // --identify reads every fingerprint of the record, whichever keys are written.
  if (fields && !identifier) analyzer.set_fingerprints(fields->compute);
  uint64_t frames = 0;
  while (auto frame = reader->next()) {
    analyzer.add_frame(*frame);
    if ((++frames & 0xfff) == 0) progress.update(reader->position());
  }
  analyzer.finish();
  if (stats) report_counters(path, analyzer.counters());
  if (!reader->error().empty()) {
    std::fprintf(stderr,
                 "fingerprint: %s: %s (after %llu frames; records above are what was read)\n",
                 path.c_str(), reader->error().c_str(), (unsigned long long)frames);
    return false;
  }
  return true;
}

int run_analyze(const AnalyzeOptions& options) {
  std::optional<capture::FieldSelection> fields;
  if (!options.fields.empty()) {
    std::string error;
    if (options.format == "table" ||
        !capture::parse_field_list(options.fields, fields.emplace(), error)) {
      if (error.empty()) error = "--fields works with --format jsonl or json";
      std::fprintf(stderr, "fingerprint: %s\n", error.c_str());
      return kExitUsage;
    }
  }
  std::unique_ptr<const identify::IdentityModel> model;  // outlives the identifier
  std::unique_ptr<identify::Identifier> identifier;
  std::optional<identify::P0fDatabase> p0f;
  if (options.identify) {
    std::string error;
    auto profiles = load_profiles(database_dir(options.db), error);
    if (profiles.empty()) {
      std::fprintf(stderr, "fingerprint: %s\n", error.c_str());
      return kExitUsage;
    }
    identifier = std::make_unique<identify::Identifier>(std::move(profiles));
    std::string warning;
    model = load_model(options.models, warning);
    if (!warning.empty()) std::fprintf(stderr, "fingerprint: %s\n", warning.c_str());
    identifier->set_model(model.get());
    warning.clear();
    p0f = load_p0f_database(options.p0f_db, warning);
    if (!warning.empty()) std::fprintf(stderr, "fingerprint: %s\n", warning.c_str());
  }
  decrypt::KeyLog keylog;
  if (!options.keylog.empty() && !read_key_log_file(options.keylog, keylog)) return kExitUsage;
  auto writer = make_record_writer(options.format, stdout, fields ? &*fields : nullptr);
  bool all_read = true;
  for (const auto& file : options.files) {
    all_read &=
        analyze_file(file, options.files.size() > 1, options.stats, *writer, identifier.get(),
                     p0f ? &*p0f : nullptr, &keylog, fields ? &*fields : nullptr);
  }
  writer->finish();
  return all_read ? kExitOk : kExitDamagedInput;
}

}  // namespace

void add_analyze_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand("analyze", "Fingerprint every stream of pcap/pcapng files");
  cmd->add_option("--format", options->format, "Output: jsonl (default), json or table")
      ->check(CLI::IsMember({"jsonl", "json", "table"}));
  cmd->add_option("--fields", options->fields,
                  "Only these record keys, comma-separated (e.g. ja3,ja4); records with none "
                  "are left out, and fingerprints no key needs are not computed");
  cmd->add_flag("--stats", options->stats, "Print per-file counters to stderr");
  cmd->add_flag("--identify", options->identify, "Add each record's identity (client, TLS, OS)");
  cmd->add_option("--db", options->db, "Profile folder for --identify (default: data/profiles)");
  cmd->add_option("--p0f-db", options->p0f_db,
                  "p0f.fp for --identify's OS (default: /etc/p0f/p0f.fp; none: OS null)");
  cmd->add_option("--models", options->models,
                  "Classifier folder for --identify (default: data/models; none: no model)");
  cmd->add_option("--keylog", options->keylog,
                  "NSS key log (SSLKEYLOGFILE) to decrypt TLS with; a pcapng's own secrets "
                  "blocks are always read");
  cmd->add_option("files", options->files, "Capture files (pcap or pcapng)")->required();
  cmd->callback([options, &exit_status] { exit_status = run_analyze(*options); });
}

}  // namespace fp::cli
