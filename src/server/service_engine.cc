#include "server/service_engine.h"

#include "server/cluster_events.h"
#include "server/model_registry.h"
#include "server/redis_identity_cache.h"
#include "store/store.h"

namespace fp::server {
namespace {

// One engine per arm of `rollout` (and the shadow's), sharing one read of the profiles;
// nullptr and `error` when a model does not load. An empty rollout: one engine, no model.
std::shared_ptr<const EngineRouting> build(ServiceContext& context, const Rollout& rollout,
                                           std::string& error) {
  const std::vector<identify::Profile> profiles =
      context.store ? context.store->all_profiles() : context.seed_profiles;
  auto engine_with = [&](const std::string& id) -> std::shared_ptr<const engine::Engine> {
    const identify::IdentityModel* model = id.empty() ? nullptr : context.models.load(id, error);
    if (!id.empty() && model == nullptr) return nullptr;
    return std::make_shared<const engine::Engine>(profiles, model, context.p0f);
  };
  auto routing = std::make_shared<EngineRouting>();
  routing->rollout = rollout;
  if (rollout.arms.empty()) routing->arms.push_back({"", engine_with("")});
  for (const RolloutArm& arm : rollout.arms) {
    auto engine = engine_with(arm.model);
    if (!engine) return nullptr;
    routing->arms.push_back({arm.model, std::move(engine)});
  }
  if (!rollout.shadow.empty()) {
    routing->shadow = {rollout.shadow, engine_with(rollout.shadow)};
    if (!routing->shadow.engine) return nullptr;
  }
  return routing;
}

void reload(ServiceContext& context) {
  // A store that caches what it read learns that another process changed it.
  if (context.store) context.store->note_external_change();
  const Rollout agreed = stored_rollout(context, context.models.rollout());
  std::string error;
  const bool ok = agreed == context.models.rollout() ? rebuild_engine(context, error)
                                                     : apply_rollout(context, agreed, error);
  if (!ok) {
    context.log.event("warn", "cluster change: the agreed models did not load here",
                      {{"error.message", error}, {"fp.model", rollout_json(agreed)}});
  }
}

}  // namespace

void announce_change(ServiceContext& context, std::string_view kind, std::string_view model) {
  if (!context.cluster) return;
  const std::optional<uint64_t> epoch = context.cluster->publish(kind, model);
  // This replica answers its next request with the new engine: its shared-cache keys must move
  // now, not when its own subscriber hears the event.
  if (epoch && context.shared_identities) context.shared_identities->raise_epoch(*epoch);
  if (!epoch) {
    context.log.event("warn", "cluster change not announced yet: Redis unreachable; retrying",
                      {{"fp.change", std::string(kind)}});
  }
}

void on_cluster_event(ServiceContext& context, const ClusterEvent& event) {
  // Runs on the events thread, where an escaping exception would end the process.
  try {
    const bool from_wire = event.kind == "profiles" || event.kind == "model";
    // The origin applied its change before announcing it; rebuilding again on hearing it back
    // would only swap engines and empty its cache a second time.
    const bool own = context.cluster && event.origin == context.cluster->replica_id();
    if ((from_wire && !own) || event.kind == "resync") reload(context);
    if (!context.shared_identities) return;
    if (from_wire) {
      context.shared_identities->set_epoch(event.epoch);
    } else {
      (void)context.shared_identities->refresh_epoch();
    }
  } catch (const std::exception& e) {
    context.log.event("error", "cluster change not applied",
                      {{"error.message", e.what()}, {"fp.change", event.kind}});
  }
}

bool rebuild_engine(ServiceContext& context, std::string& error) {
  std::lock_guard lock(context.engine.rebuild_mutex());
  auto routing = build(context, context.models.rollout(), error);
  const bool ok = routing != nullptr;
  if (!ok) {
    std::string ignored;
    routing = build(context, Rollout{}, ignored);
  }
  context.engine.replace(std::move(routing));
  return ok;
}

bool apply_rollout(ServiceContext& context, const Rollout& rollout, std::string& error) {
  std::lock_guard lock(context.engine.rebuild_mutex());
  auto routing = build(context, rollout, error);
  if (!routing) return false;
  context.models.set_rollout(rollout);
  context.engine.replace(std::move(routing));
  context.metrics.set_info("0.1.0", rollout.primary());
  return true;
}

bool activate_model(ServiceContext& context, const std::string& id, std::string& error) {
  return apply_rollout(context, Rollout::single(id), error);
}

Rollout stored_rollout(ServiceContext& context, const Rollout& fallback) {
  if (!context.store) return fallback;
  if (auto text = context.store->setting("model_rollout")) {
    std::string error;
    if (auto rollout = parse_rollout(*text, error)) return *rollout;
    context.log.event("warn", "stored model rollout ignored", {{"error.message", error}});
  }
  if (auto active = context.store->setting("active_model"); active && !active->empty()) {
    return Rollout::single(*active);
  }
  return fallback;
}

void store_rollout(ServiceContext& context, const Rollout& rollout) {
  if (!context.store) return;
  if (auto current = context.store->setting("model_rollout")) {
    context.store->set_setting("model_rollout_previous", *current);
  } else if (auto active = context.store->setting("active_model"); active && !active->empty()) {
    context.store->set_setting("model_rollout_previous", rollout_json(Rollout::single(*active)));
  }
  context.store->set_setting("model_rollout", rollout_json(rollout));
  context.store->set_setting("active_model", rollout.primary());  // what older builds read
}

}  // namespace fp::server
