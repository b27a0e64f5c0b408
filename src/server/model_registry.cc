#include "server/model_registry.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>

#include "engine/identify_support.h"

namespace fp::server {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace {

bool has_model_files(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "client.json", ec) &&
         fs::is_regular_file(dir / "tls_library.json", ec) &&
         fs::is_regular_file(dir / "metadata.json", ec);
}

std::string rfc3339(fs::file_time_type time) {
  // file_time_type's epoch differs from system_clock's; shift by the two clocks' "now".
  const auto system = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      time - fs::file_time_type::clock::now() + std::chrono::system_clock::now());
  const std::time_t t = std::chrono::system_clock::to_time_t(system);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// metadata.json's scalar fields: the lists (labels, feature names) are long and internal.
std::string metadata_summary(const fs::path& file) {
  std::ifstream in(file);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return "{}";
  json::object summary;
  for (const auto& entry : v.as_object()) {
    if (entry.value().is_array()) {
      summary[std::string(entry.key()) + "_count"] = entry.value().as_array().size();
    } else {
      summary[entry.key()] = entry.value();
    }
  }
  return json::serialize(summary);
}

ModelInfo info_of(std::string id, const fs::path& dir) {
  std::error_code ec;
  const auto time = fs::last_write_time(dir / "metadata.json", ec);
  return {std::move(id), dir, ec ? "" : rfc3339(time), metadata_summary(dir / "metadata.json")};
}

}  // namespace

ModelRegistry::ModelRegistry(fs::path builtin_dir, fs::path state_models_dir)
    : builtin_dir_(std::move(builtin_dir)), state_dir_(std::move(state_models_dir)) {}

std::vector<ModelInfo> ModelRegistry::list() const {
  std::vector<ModelInfo> models;
  if (has_model_files(builtin_dir_)) models.push_back(info_of(std::string(kBuiltin), builtin_dir_));
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(state_dir_, ec)) {
    if (entry.is_directory() && has_model_files(entry.path())) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& dir : dirs) models.push_back(info_of(dir.filename().string(), dir));
  return models;
}

std::optional<ModelInfo> ModelRegistry::find(std::string_view id) const {
  for (ModelInfo& m : list()) {
    if (m.id == id) return std::move(m);
  }
  return std::nullopt;
}

const identify::IdentityModel* ModelRegistry::load(std::string_view id, std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = loaded_.find(id); it != loaded_.end()) return it->second.get();
  }
  const std::optional<ModelInfo> info = find(id);
  if (!info) {
    error = "no model " + std::string(id);
    return nullptr;
  }
  std::string warning;
  auto model = engine::load_model(info->dir.string(), warning);
  if (!model) {
    error = warning.empty() ? "cannot load model " + std::string(id) : warning;
    return nullptr;
  }
  std::lock_guard lock(mutex_);
  auto [it, inserted] = loaded_.emplace(std::string(id), std::move(model));
  return it->second.get();
}

Rollout ModelRegistry::rollout() const {
  std::lock_guard lock(mutex_);
  return rollout_;
}

void ModelRegistry::set_rollout(Rollout rollout) {
  std::lock_guard lock(mutex_);
  rollout_ = std::move(rollout);
}

std::string ModelRegistry::active() const {
  std::lock_guard lock(mutex_);
  return rollout_.primary();
}

void ModelRegistry::set_active(std::string id) {
  set_rollout(id.empty() ? Rollout{} : Rollout::single(std::move(id)));
}

}  // namespace fp::server
