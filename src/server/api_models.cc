// GET /api/v1/models, POST /api/v1/models/{id}/activate: which classifier identifies, and
// switching to another (the engine is rebuilt with it; the choice survives restarts and, with
// Redis, is announced to every replica).
#include <boost/json.hpp>

#include "server/json_body.h"
#include "server/model_registry.h"
#include "server/problem.h"
#include "server/routes.h"
#include "server/service_engine.h"
#include "store/store.h"

namespace fp::server {
namespace json = boost::json;
namespace {

json::object model_json(const ModelInfo& m, const std::string& active) {
  boost::system::error_code ec;
  json::value metadata = json::parse(m.metadata, ec);
  return {{"id", m.id},
          {"active", m.id == active},
          {"created", m.created.empty() ? json::value(nullptr) : json::value(m.created)},
          {"metadata", ec ? json::value(json::object()) : metadata}};
}

Response list_models(ServiceContext& context) {
  json::array models;
  const std::string active = context.models.active();
  for (const ModelInfo& m : context.models.list()) models.push_back(model_json(m, active));
  return json_response({{"models", models},
                        {"active", active.empty() ? json::value(nullptr) : json::value(active)}});
}

Response activate(ServiceContext& context, const Request& request, std::string_view id) {
  const std::optional<ModelInfo> info = context.models.find(id);
  if (!info) {
    return problem(404, "unknown-model", "Not Found", "no model " + std::string(id), "id",
                   request.request_id);
  }
  std::string error;
  if (!activate_model(context, info->id, error)) {
    return problem(422, "model-not-loadable", "Unprocessable Content", error, "id",
                   request.request_id);
  }
  if (context.store) context.store->set_setting("active_model", info->id);
  announce_change(context, "model", info->id);  // after the setting: replicas read it
  return json_response(model_json(*info, info->id));
}

}  // namespace

void add_model_routes(Router& router, ServiceContext& context) {
  router.add("GET", "/api/v1/models", Access::kRead,
             [&context](const Request&, const PathParams&) { return list_models(context); });
  router.add("POST", "/api/v1/models/{id}/activate", Access::kWrite,
             [&context](const Request& r, const PathParams& p) {
               return activate(context, r, p.get("id"));
             });
}

}  // namespace fp::server
