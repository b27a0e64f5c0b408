#pragma once
// The current identification engine, swapped whole when profiles or the active model change
// (immutable engines: a request keeps the one it started with). The identity cache is cleared
// on every swap, since its answers came from the old engine.

#include <functional>
#include <memory>
#include <mutex>

#include "engine/engine.h"

namespace fp::server {

class EngineHolder {
 public:
  [[nodiscard]] std::shared_ptr<const engine::Engine> current() const {
    std::lock_guard lock(mutex_);
    return engine_;
  }
  void replace(std::shared_ptr<const engine::Engine> engine) {
    {
      std::lock_guard lock(mutex_);
      engine_ = std::move(engine);
      ++generation_;
    }
    if (on_replace_) on_replace_();
  }
  void on_replace(std::function<void()> callback) { on_replace_ = std::move(callback); }
  // Held while an engine is built and swapped in, so two rebuilds cannot swap out of order.
  [[nodiscard]] std::mutex& rebuild_mutex() noexcept { return rebuild_mutex_; }
  [[nodiscard]] uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }

 private:
  mutable std::mutex mutex_;
  std::mutex rebuild_mutex_;
  std::shared_ptr<const engine::Engine> engine_;
  uint64_t generation_ = 0;
  std::function<void()> on_replace_;
};

}  // namespace fp::server
