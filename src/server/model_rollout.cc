#include "server/model_rollout.h"

#include <boost/json.hpp>
#include <numeric>

namespace fp::server {
namespace json = boost::json;
namespace {

// FNV-1a, 64 bit, then splitmix64's finaliser so the low bits are as mixed as the high ones:
// stable across processes and builds (std::hash is not), so every replica sends a given
// observation to the same arm.
uint64_t stable_hash(std::string_view key) {
  uint64_t h = 14695981039346656037ULL;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::optional<std::string> model_name(const json::value& v) {
  if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 128) return std::nullopt;
  return std::string(v.as_string());
}

bool read_arm(const json::value& v, size_t index, RolloutArm& arm, std::string& error) {
  const std::string where = "arms[" + std::to_string(index) + "]";
  if (!v.is_object()) {
    error = where + ": expected an object {\"model\": ..., \"weight\": ...}";
    return false;
  }
  const json::object& o = v.as_object();
  const json::value* model = o.if_contains("model");
  std::optional<std::string> name = model ? model_name(*model) : std::nullopt;
  if (!name) {
    error = where + ".model: expected a model id (a non-empty string)";
    return false;
  }
  const json::value* weight = o.if_contains("weight");
  if (weight == nullptr || !weight->is_int64() || weight->as_int64() < 1 ||
      weight->as_int64() > kMaxRolloutWeight) {
    error = where + ".weight: expected an integer from 1 to " + std::to_string(kMaxRolloutWeight);
    return false;
  }
  arm = {std::move(*name), static_cast<uint32_t>(weight->as_int64())};
  return true;
}

bool read_arms(const json::object& o, Rollout& out, std::string& error) {
  const json::value* arms = o.if_contains("arms");
  if (arms == nullptr || !arms->is_array() || arms->as_array().empty() ||
      arms->as_array().size() > kMaxRolloutArms) {
    error = "arms: expected an array of 1 to " + std::to_string(kMaxRolloutArms) + " arms";
    return false;
  }
  for (size_t i = 0; i < arms->as_array().size(); ++i) {
    RolloutArm arm;
    if (!read_arm(arms->as_array()[i], i, arm, error)) return false;
    for (const RolloutArm& seen : out.arms) {
      if (seen.model == arm.model) {
        error = "arms[" + std::to_string(i) + "].model: " + arm.model + " is already an arm";
        return false;
      }
    }
    out.arms.push_back(std::move(arm));
  }
  return true;
}

bool read_shadow(const json::object& o, Rollout& out, std::string& error) {
  const json::value* shadow = o.if_contains("shadow");
  if (shadow == nullptr || shadow->is_null()) return true;
  std::optional<std::string> name = model_name(*shadow);
  if (!name) {
    error = "shadow: expected a model id (a non-empty string) or null";
    return false;
  }
  for (const RolloutArm& arm : out.arms) {
    if (arm.model == *name) {
      error = "shadow: " + *name + " already serves as an arm";
      return false;
    }
  }
  out.shadow = std::move(*name);
  return true;
}

}  // namespace

Rollout Rollout::single(std::string model) { return {{{std::move(model), 1}}, {}}; }

const std::string& Rollout::primary() const {
  static const std::string kNone;
  if (arms.empty()) return kNone;
  size_t best = 0;
  for (size_t i = 1; i < arms.size(); ++i) {
    if (arms[i].weight > arms[best].weight) best = i;
  }
  return arms[best].model;
}

std::optional<Rollout> parse_rollout(std::string_view text, std::string& error) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    error = "body: expected a JSON object {\"arms\": [...], \"shadow\": ...}";
    return std::nullopt;
  }
  Rollout out;
  if (!read_arms(v.as_object(), out, error) || !read_shadow(v.as_object(), out, error)) {
    return std::nullopt;
  }
  return out;
}

std::string rollout_json(const Rollout& rollout) {
  json::array arms;
  for (const RolloutArm& arm : rollout.arms) {
    arms.push_back(json::object{{"model", arm.model}, {"weight", arm.weight}});
  }
  return json::serialize(json::object{
      {"arms", std::move(arms)},
      {"shadow", rollout.shadow.empty() ? json::value(nullptr) : json::value(rollout.shadow)}});
}

size_t pick_arm(const Rollout& rollout, std::string_view key) {
  if (rollout.arms.size() <= 1) return 0;
  const uint64_t total =
      std::accumulate(rollout.arms.begin(), rollout.arms.end(), uint64_t{0},
                      [](uint64_t sum, const RolloutArm& arm) { return sum + arm.weight; });
  uint64_t point = stable_hash(key) % total;
  for (size_t i = 0; i < rollout.arms.size(); ++i) {
    if (point < rollout.arms[i].weight) return i;
    point -= rollout.arms[i].weight;
  }
  return rollout.arms.size() - 1;
}

}  // namespace fp::server
