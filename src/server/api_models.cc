// GET /api/v1/models, POST /api/v1/models/{id}/activate, GET|PUT /api/v1/models/rollout,
// POST /api/v1/models/rollback: which classifier models identify — one, a weighted split, a
// shadow — and switching between them (engines rebuilt; the choice survives restarts and, with
// Redis, is announced to every replica; the rollout it replaced is kept for one rollback).
#include <boost/json.hpp>
#include <variant>

#include "server/json_body.h"
#include "server/model_registry.h"
#include "server/model_rollout.h"
#include "server/problem.h"
#include "server/routes.h"
#include "server/service_engine.h"
#include "store/store.h"

namespace fp::server {
namespace json = boost::json;
namespace {

json::value rollout_value(const Rollout& rollout) { return json::parse(rollout_json(rollout)); }

json::object model_json(const ModelInfo& m, const Rollout& rollout) {
  boost::system::error_code ec;
  json::value metadata = json::parse(m.metadata, ec);
  json::value weight = nullptr;
  for (const RolloutArm& arm : rollout.arms) {
    if (arm.model == m.id) weight = arm.weight;
  }
  return {{"id", m.id},
          {"active", !weight.is_null()},
          {"weight", weight},
          {"shadow", rollout.shadow == m.id},
          {"created", m.created.empty() ? json::value(nullptr) : json::value(m.created)},
          {"metadata", ec ? json::value(json::object()) : metadata}};
}

Response list_models(ServiceContext& context) {
  json::array models;
  const Rollout rollout = context.models.rollout();
  for (const ModelInfo& m : context.models.list()) models.push_back(model_json(m, rollout));
  const std::string active = rollout.primary();
  return json_response({{"models", models},
                        {"active", active.empty() ? json::value(nullptr) : json::value(active)},
                        {"rollout", rollout_value(rollout)}});
}

// Every model the rollout names must exist (404 naming it) and load (422); then it is applied,
// stored as the agreed one, and announced.
Response put_in_use(ServiceContext& context, const Request& request, const Rollout& rollout) {
  auto names = [&rollout] {
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = 0; i < rollout.arms.size(); ++i) {
      out.emplace_back("arms[" + std::to_string(i) + "].model", rollout.arms[i].model);
    }
    if (!rollout.shadow.empty()) out.emplace_back("shadow", rollout.shadow);
    return out;
  }();
  for (const auto& [field, id] : names) {
    if (!context.models.find(id)) {
      return problem(404, "unknown-model", "Not Found", "no model " + id, field,
                     request.request_id);
    }
  }
  std::string error;
  if (!apply_rollout(context, rollout, error)) {
    return problem(422, "model-not-loadable", "Unprocessable Content", error, {},
                   request.request_id);
  }
  store_rollout(context, rollout);
  announce_change(context, "model", rollout.primary());  // after the setting: replicas read it
  return json_response(rollout_value(rollout));
}

Response activate(ServiceContext& context, const Request& request, std::string_view id) {
  const std::optional<ModelInfo> info = context.models.find(id);
  if (!info) {
    return problem(404, "unknown-model", "Not Found", "no model " + std::string(id), "id",
                   request.request_id);
  }
  Response r = put_in_use(context, request, Rollout::single(info->id));
  if (r.status != 200) return r;
  return json_response(model_json(*info, context.models.rollout()));
}

Response put_rollout(ServiceContext& context, const Request& request) {
  auto body = json_object_body(request);
  if (auto* refused = std::get_if<Response>(&body)) return std::move(*refused);
  std::string error;
  const std::optional<Rollout> rollout =
      parse_rollout(json::serialize(std::get<json::object>(body)), error);
  if (!rollout) {
    const size_t colon = error.find(':');
    return problem(400, "invalid-rollout", "Bad Request", error,
                   colon == std::string::npos ? std::string() : error.substr(0, colon),
                   request.request_id);
  }
  return put_in_use(context, request, *rollout);
}

Response rollback(ServiceContext& context, const Request& request) {
  const std::optional<std::string> previous =
      context.store ? context.store->setting("model_rollout_previous") : std::nullopt;
  std::string error;
  const std::optional<Rollout> rollout =
      previous ? parse_rollout(*previous, error) : std::optional<Rollout>{};
  if (!rollout) {
    return problem(409, "nothing-to-roll-back", "Conflict",
                   "no earlier model rollout is stored to go back to", {}, request.request_id);
  }
  return put_in_use(context, request, *rollout);
}

}  // namespace

void add_model_routes(Router& router, ServiceContext& context) {
  router.add("GET", "/api/v1/models", Access::kRead,
             [&context](const Request&, const PathParams&) { return list_models(context); });
  router.add("GET", "/api/v1/models/rollout", Access::kRead,
             [&context](const Request&, const PathParams&) {
               return json_response(rollout_value(context.models.rollout()));
             });
  router.add("PUT", "/api/v1/models/rollout", Access::kWrite,
             [&context](const Request& r, const PathParams&) { return put_rollout(context, r); });
  router.add("POST", "/api/v1/models/rollback", Access::kWrite,
             [&context](const Request& r, const PathParams&) { return rollback(context, r); });
  router.add("POST", "/api/v1/models/{id}/activate", Access::kWrite,
             [&context](const Request& r, const PathParams& p) {
               return activate(context, r, p.get("id"));
             });
}

}  // namespace fp::server
