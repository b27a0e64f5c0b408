// `fingerprint profiles import|check|list`: the profile database (docs/profiles.md) from the
// command line. The library parses text; reading and writing files happens here.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "engine/identify_support.h"
#include "identify/importers.h"
#include "identify/profile.h"

namespace fp::cli {
namespace {

namespace fs = std::filesystem;
using identify::Profile;

struct ProfilesOptions {
  std::string from;
  std::vector<std::string> paths;
  std::string out;
  std::string db;
  std::string name;
  bool full = false;
};

bool read_file(const fs::path& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// Directories expand to their files with `extension`, sorted, so imports are reproducible.
std::vector<fs::path> expand(const std::vector<std::string>& paths, std::string_view extension) {
  std::vector<fs::path> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      files.emplace_back(p);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(p, ec)) {
      if (entry.path().extension() == extension) found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// Provenance names a file by its path below `testdata/` when it has one, not by where this
// machine keeps it.
std::string provenance_name(const fs::path& path) {
  const std::string s = path.generic_string();
  const size_t at = s.rfind("testdata/");
  return at == std::string::npos ? s : s.substr(at + 9);
}

std::string_view extension_of(identify::ImportKind kind) {
  switch (kind) {
    case identify::ImportKind::kCurlImpersonate:
      return ".yaml";
    case identify::ImportKind::kTlsClient:
      return ".json";
    case identify::ImportKind::kJa4Mapping:
      return ".csv";
  }
  return "";
}

int run_import(const ProfilesOptions& o) {
  const auto kind = identify::import_kind(o.from);
  if (!kind) {
    std::fprintf(stderr, "fingerprint: unknown --from '%s'\n", o.from.c_str());
    return kExitUsage;
  }
  std::vector<identify::SourceText> sources;
  for (const fs::path& file : expand(o.paths, extension_of(*kind))) {
    identify::SourceText& s = sources.emplace_back();
    s.name = provenance_name(file);
    if (!read_file(file, s.text)) {
      std::fprintf(stderr, "fingerprint: cannot read %s\n", file.c_str());
      return kExitUsage;
    }
  }
  const identify::ImportResult result = identify::import_profiles(*kind, sources);
  for (const identify::ImportIssue& i : result.issues) {
    std::fprintf(stderr, "%s:%zu: %s\n", i.file.c_str(), i.line, i.message.c_str());
  }
  std::string header = "Imported by `fingerprint profiles import --from " + o.from + "` from " +
                       std::to_string(sources.size()) + " file(s), " +
                       std::to_string(result.profiles.size()) + " profiles.\n" +
                       "Regenerate with scripts/import-profiles.sh; do not edit by hand.\n" +
                       "JA4 and JA3N (and Akamai) of TLS sources are derived by this project's\n" +
                       "code from the fields each source lists, not captured.";
  const std::string text = identify::format_profile_db(result.profiles, header);
  if (o.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else if (std::ofstream out(o.out, std::ios::binary); !(out << text)) {
    std::fprintf(stderr, "fingerprint: cannot write %s\n", o.out.c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "%zu profiles, %zu issues\n", result.profiles.size(), result.issues.size());
  return kExitOk;
}

int run_check(const ProfilesOptions& o) {
  int status = kExitOk;
  for (const std::string& file : o.paths) {
    std::string text;
    if (!read_file(file, text)) {
      std::fprintf(stderr, "fingerprint: cannot read %s\n", file.c_str());
      return kExitUsage;
    }
    const identify::ProfileDb db = identify::parse_profile_db(text);
    for (const identify::ProfileError& e : db.errors) {
      std::printf("%s:%zu: %s\n", file.c_str(), e.line, e.message.c_str());
    }
    std::fprintf(stderr, "%s: %zu profiles, %zu errors\n", file.c_str(), db.profiles.size(),
                 db.errors.size());
    if (!db.errors.empty()) status = kExitDamagedInput;
  }
  return status;
}

int run_list(const ProfilesOptions& o) {
  const fs::path dir = engine::database_dir(o.db);
  const std::vector<fs::path> files = expand({dir.string()}, ".fpdb");
  if (files.empty()) {
    std::fprintf(stderr, "fingerprint: no .fpdb files in %s\n", dir.c_str());
    return kExitUsage;
  }
  for (const fs::path& file : files) {
    std::string text;
    if (!read_file(file, text)) continue;
    for (const Profile& p : identify::parse_profile_db(text).profiles) {
      if (!o.name.empty() && p.name != o.name) continue;
      if (o.full) {
        std::printf("%s\n", identify::format_profile(p).c_str());
      } else {
        std::printf(
            "%-44s %-14s %-8s %-16s %s\n", p.id.c_str(), (p.name.empty() ? "-" : p.name).c_str(),
            (p.kind.empty() ? "-" : p.kind).c_str(), (p.version.empty() ? "-" : p.version).c_str(),
            (p.os.empty() ? "-" : p.os).c_str());
      }
    }
  }
  return kExitOk;
}

}  // namespace

void add_profiles_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<ProfilesOptions>();
  CLI::App* cmd = app.add_subcommand("profiles", "Import, check and list the profile database");
  cmd->require_subcommand(1);

  CLI::App* import = cmd->add_subcommand("import", "Write .fpdb text from a public source");
  import->add_option("--from", o->from, "curl-impersonate | tls-client | ja4-mapping")->required();
  import->add_option("paths", o->paths, "Files or directories")->required();
  import->add_option("--out", o->out, "Write here instead of stdout");
  import->callback([o, &exit_status] { exit_status = run_import(*o);
});

CLI::App* check = cmd->add_subcommand("check", "Report bad lines as FILE:LINE: message");
check->add_option("files", o->paths, ".fpdb files")->required();
check->callback([o, &exit_status] { exit_status = run_check(*o); });

CLI::App* list = cmd->add_subcommand("list", "List the profiles of the database");
list->add_option("--db", o->db, "Database folder (default: data/profiles here or in ..)");
list->add_option("--name", o->name, "Only this client name");
list->add_flag("--full", o->full, "Print each profile in database syntax");
list->callback([o, &exit_status] { exit_status = run_list(*o); });
}  // namespace fp::cli

}  // namespace fp::cli
