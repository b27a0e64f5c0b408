// `fingerprint train`: the XGBoost classifier (docs/model-card.md) from the profile database.
// The library trains and evaluates; this file reads data/profiles and writes data/models.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "engine/identify_support.h"
#include "identify/classifier.h"
#include "identify/classifier_eval.h"
#include "identify/profile.h"

namespace fp::cli {
namespace {

namespace fs = std::filesystem;
using identify::Profile;

struct TrainCliOptions {
  std::string db;
  std::string out;
  bool evaluate = false;
  identify::TrainOptions train;
};

// --db, else data/profiles in the current directory or its parent (a build directory).
bool read_text(const fs::path& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

bool write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// Every .fpdb file of `dir`, sorted by name so training order (and so the model) is stable.
bool load_profiles(const fs::path& dir, std::vector<Profile>& profiles, std::string& sources) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".fpdb") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  sources =
      "| file | profiles | with TLS lists | with HTTP/2 or header order |\n|---|---|---|---|\n";
  for (const fs::path& file : files) {
    std::string text;
    if (!read_text(file, text)) return false;
    identify::ProfileDb db = identify::parse_profile_db(text);
    size_t tls = 0, http = 0;
    for (const Profile& p : db.profiles) {
      tls += !p.ciphers.empty();
      http += !p.of(identify::FingerprintKind::kAkamai).empty() || !p.header_orders.empty();
    }
    sources += "| " + file.filename().string() + " | " + std::to_string(db.profiles.size()) +
               " | " + std::to_string(tls) + " | " + std::to_string(http) + " |\n";
    for (Profile& p : db.profiles) profiles.push_back(std::move(p));
  }
  return !files.empty();
}

int run_train(const TrainCliOptions& o) {
  const fs::path db = engine::data_dir(o.db, "profiles");
  std::vector<Profile> profiles;
  std::string sources;
  if (!load_profiles(db, profiles, sources)) {
    std::fprintf(stderr, "fingerprint: no readable .fpdb files in %s\n", db.c_str());
    return kExitUsage;
  }
  if (o.evaluate) {
    const identify::EvalSummary summary = identify::evaluate_classifier(profiles, o.train);
    std::printf("%s\n%s", sources.c_str(), summary.markdown.c_str());
    return kExitOk;
  }
  std::string error;
  const std::optional<identify::Classifier> model =
      identify::Classifier::train(profiles, o.train, error);
  if (!model) {
    std::fprintf(stderr, "fingerprint: training failed: %s\n", error.c_str());
    return kExitDamagedInput;
  }
  const fs::path out = engine::data_dir(o.out, "models");
  std::error_code ec;
  fs::create_directories(out, ec);
  const identify::ModelFiles files = model->save();
  if (!write_text(out / "client.json", files.client_model) ||
      !write_text(out / "tls_library.json", files.tls_model) ||
      !write_text(out / "metadata.json", files.metadata)) {
    std::fprintf(stderr, "fingerprint: cannot write the model to %s\n", out.c_str());
    return kExitDamagedInput;
  }
  std::fprintf(stderr,
               "fingerprint: trained on %zu profiles (%zu client classes, %zu TLS "
               "libraries) -> %s\n",
               profiles.size(), model->client_labels().size(), model->tls_labels().size(),
               out.c_str());
  return kExitOk;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<TrainCliOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train the XGBoost classifier from the profiles");
  cmd->add_option("--db", o->db, "Profile folder (default: data/profiles here or in ..)");
  cmd->add_option("--out", o->out, "Model folder (default: data/models here or in ..)");
  cmd->add_flag("--evaluate", o->evaluate,
                "Print the held-out evaluation (Markdown) instead of writing a model");
  cmd->add_option("--seed", o->train.seed, "XGBoost seed")->capture_default_str();
  cmd->add_option("--rounds", o->train.rounds, "Boosting rounds")->capture_default_str();
  cmd->add_option("--threshold", o->train.threshold, "Below this confidence: unknown")
      ->capture_default_str();
  cmd->callback([o, &exit_status] { exit_status = run_train(*o); });
}

}  // namespace fp::cli
