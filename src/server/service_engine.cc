#include "server/service_engine.h"

#include "server/model_registry.h"
#include "store/store.h"

namespace fp::server {
namespace {

std::shared_ptr<const engine::Engine> build(ServiceContext& context,
                                            const identify::IdentityModel* model) {
  std::vector<identify::Profile> profiles =
      context.store ? context.store->all_profiles() : context.seed_profiles;
  return std::make_shared<const engine::Engine>(std::move(profiles), model, context.p0f);
}

}  // namespace

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
