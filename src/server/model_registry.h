#pragma once
// The classifier models the service can use: the built-in one (--models, default data/models)
// and any trained into STATE/models/<id>/ (`fingerprint train --out`). One is active; activating
// another loads it and rebuilds the engine. Loaded models stay loaded until the service ends
// (libxgboost must not be freed after main(), and an engine in flight may still use one).

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "identify/identity.h"
#include "server/model_rollout.h"

namespace fp::server {

struct ModelInfo {
  std::string id;
  std::filesystem::path dir;
  std::string created;   // RFC 3339, from the metadata file's time
  std::string metadata;  // metadata.json as JSON text, without the long lists
};

class ModelRegistry {
 public:
  ModelRegistry(std::filesystem::path builtin_dir, std::filesystem::path state_models_dir);

  [[nodiscard]] std::vector<ModelInfo> list() const;
  [[nodiscard]] std::optional<ModelInfo> find(std::string_view id) const;
  // The model, loaded once; nullptr and `error` when its files are missing or do not load.
  [[nodiscard]] const identify::IdentityModel* load(std::string_view id, std::string& error);

  // The models in use (server/model_rollout.h): one, a weighted split, and a shadow.
  [[nodiscard]] Rollout rollout() const;
  void set_rollout(Rollout rollout);
  // The rollout's primary model ("" when none); set_active(id) = a rollout of that one model.
  [[nodiscard]] std::string active() const;
  void set_active(std::string id);

  static constexpr std::string_view kBuiltin = "builtin";

 private:
  std::filesystem::path builtin_dir_, state_dir_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<const identify::IdentityModel>, std::less<>> loaded_;
  Rollout rollout_;
};

}  // namespace fp::server
