#pragma once
// The current identification engines, swapped whole when profiles or the models in use change
// (immutable engines: a request keeps the ones it started with). With a model rollout
// (server/model_rollout.h) there is one engine per arm, chosen per observation, and optionally
// a shadow engine whose answers are only compared. The identity cache is cleared on every swap,
// since its answers came from the old engines.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "server/model_rollout.h"

namespace fp::server {

struct ArmEngine {
  std::string model;  // "" = identifying without a classifier
  std::shared_ptr<const engine::Engine> engine;
};

struct EngineRouting {
  Rollout rollout;              // arms[i] serves rollout.arms[i]; empty rollout = one arm
  std::vector<ArmEngine> arms;  // at least one
  ArmEngine shadow;             // engine null when there is no shadow

  // The arm that serves an observation, by its identity-cache key (stable per client).
  [[nodiscard]] const ArmEngine& arm_for(std::string_view key) const {
    return arms.size() == 1 ? arms.front() : arms[pick_arm(rollout, key)];
  }
  // The primary arm's engine: what observes records (reading a record does not depend on the
  // model) and what answers where a single engine is wanted.
  [[nodiscard]] const std::shared_ptr<const engine::Engine>& primary() const {
    for (size_t i = 0; i < arms.size() && i < rollout.arms.size(); ++i) {
      if (rollout.arms[i].model == rollout.primary()) return arms[i].engine;
    }
    return arms.front().engine;
  }
};

class EngineHolder {
 public:
  [[nodiscard]] std::shared_ptr<const engine::Engine> current() const {
    std::lock_guard lock(mutex_);
    return routing_ ? routing_->primary() : nullptr;
  }
  [[nodiscard]] std::shared_ptr<const EngineRouting> routing() const {
    std::lock_guard lock(mutex_);
    return routing_;
  }
  void replace(std::shared_ptr<const EngineRouting> routing) {
    {
      std::lock_guard lock(mutex_);
      routing_ = std::move(routing);
      ++generation_;
    }
    if (on_replace_) on_replace_();
  }
  // One engine, no rollout (tests and callers without models).
  void replace(std::shared_ptr<const engine::Engine> engine) {
    auto routing = std::make_shared<EngineRouting>();
    routing->arms.push_back({"", std::move(engine)});
    replace(std::shared_ptr<const EngineRouting>(std::move(routing)));
  }
  void on_replace(std::function<void()> callback) { on_replace_ = std::move(callback); }
  // Held while engines are built and swapped in, so two rebuilds cannot swap out of order.
  [[nodiscard]] std::mutex& rebuild_mutex() noexcept { return rebuild_mutex_; }
  [[nodiscard]] uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }

 private:
  mutable std::mutex mutex_;
  std::mutex rebuild_mutex_;
  std::shared_ptr<const EngineRouting> routing_;
  uint64_t generation_ = 0;
  std::function<void()> on_replace_;
};

}  // namespace fp::server
