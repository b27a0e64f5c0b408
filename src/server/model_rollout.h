#pragma once
// Which classifier models identify, and in what share: one model (plain activation), a weighted
// split between several (a canary: 90 % the current model, 10 % a new one), and optionally a
// shadow model that identifies the same observations without its answers being returned, so
// its agreement with the serving models can be watched before it serves.
//
// The split is by observation, not by request: the arm is chosen from a hash of what
// identification reads, so one client gets the same model on every request and every replica,
// and the identity cache stays correct without knowing about arms.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fp::server {

inline constexpr size_t kMaxRolloutArms = 8;
inline constexpr uint32_t kMaxRolloutWeight = 1000000;

struct RolloutArm {
  std::string model;
  uint32_t weight = 0;  // relative share, 1..kMaxRolloutWeight
  bool operator==(const RolloutArm&) const = default;
};

struct Rollout {
  std::vector<RolloutArm> arms;  // 1..kMaxRolloutArms, distinct models
  std::string shadow;            // "" = none; never one of the arms
  bool operator==(const Rollout&) const = default;

  // All traffic to one model, no shadow.
  [[nodiscard]] static Rollout single(std::string model);
  // The model of the heaviest arm (the first of equals): what "the active model" means when a
  // caller wants one name.
  [[nodiscard]] const std::string& primary() const;
};

// `{"arms":[{"model":"a","weight":90},{"model":"b","weight":10}],"shadow":"c"}`; "shadow" may be
// absent or null. nullopt and an error naming the field ("arms[1].weight: ...") when the text is
// not JSON, a field is missing or of the wrong type, a weight is outside 1..kMaxRolloutWeight,
// a model appears twice, or the shadow is also an arm.
[[nodiscard]] std::optional<Rollout> parse_rollout(std::string_view json, std::string& error);
[[nodiscard]] std::string rollout_json(const Rollout& rollout);

// The index of the arm that serves `key` (any bytes): stable for equal keys and rollouts, and
// over many keys each arm's share tends to its weight's share.
[[nodiscard]] size_t pick_arm(const Rollout& rollout, std::string_view key);

}  // namespace fp::server
