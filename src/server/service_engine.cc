#include "server/service_engine.h"

#include "server/cluster_events.h"
#include "server/model_registry.h"
#include "server/redis_identity_cache.h"
#include "store/store.h"

namespace fp::server {
namespace {

std::shared_ptr<const engine::Engine> build(ServiceContext& context,
                                            const identify::IdentityModel* model) {
  std::vector<identify::Profile> profiles =
      context.store ? context.store->all_profiles() : context.seed_profiles;
  return std::make_shared<const engine::Engine>(std::move(profiles), model, context.p0f);
}

// The model the cluster agreed on: the store's setting, or (without a store) the event's.
std::string agreed_model(ServiceContext& context, const ClusterEvent& event) {
  if (context.store) {
    return context.store->setting("active_model").value_or(context.models.active());
  }
  return event.kind == "model" ? event.model : context.models.active();
}

void reload(ServiceContext& context, const ClusterEvent& event) {
  // A store that caches what it read learns that another process changed it.
  if (context.store) context.store->note_external_change();
  const std::string model = agreed_model(context, event);
  std::string error;
  const bool ok = !model.empty() && model != context.models.active()
                      ? activate_model(context, model, error)
                      : rebuild_engine(context, error);
  if (!ok) {
    context.log.event("warn", "cluster change: engine rebuilt without the agreed model",
                      {{"error.message", error}, {"fp.model", model}});
    if (!model.empty() && model != context.models.active()) rebuild_engine(context, error);
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
    if (from_wire || event.kind == "resync") reload(context, event);
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
  const std::string active = context.models.active();
  const identify::IdentityModel* model = nullptr;
  bool ok = true;
  if (!active.empty()) {
    model = context.models.load(active, error);
    ok = model != nullptr;
  }
  context.engine.replace(build(context, model));
  return ok;
}

bool activate_model(ServiceContext& context, const std::string& id, std::string& error) {
  std::lock_guard lock(context.engine.rebuild_mutex());
  const identify::IdentityModel* model = context.models.load(id, error);
  if (model == nullptr) return false;
  context.models.set_active(id);
  context.engine.replace(build(context, model));
  context.metrics.set_info("0.1.0", id);
  return true;
}

}  // namespace fp::server
