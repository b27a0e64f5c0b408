// /api/v1/profiles: search (GET), create (POST), read, replace and delete one (GET|PUT|DELETE
// /{id}). A change rebuilds the identification engine at once, so the next request uses it, and
// is announced to the other replicas (with Redis), which rebuild theirs.
#include <boost/json.hpp>

#include "engine/profile_json.h"
#include "server/json_body.h"
#include "server/problem.h"
#include "server/query_params.h"
#include "server/routes.h"
#include "server/service_engine.h"
#include "store/store.h"

namespace fp::server {
namespace json = boost::json;
namespace {

constexpr size_t kMaxProfilesPage = 500;

Response no_store(const Request& request) {
  return problem(503, "no-store", "Service Unavailable",
                 "profiles are kept in the store, which this server runs without", {},
                 request.request_id);
}

Response search(ServiceContext& context, const Request& request) {
  if (!context.store) return no_store(request);
  auto limit = count_parameter(request, "limit", 50, kMaxProfilesPage);
  if (auto* r = std::get_if<Response>(&limit)) return std::move(*r);
  auto offset = count_parameter(request, "offset", 0, 1'000'000'000);
  if (auto* r = std::get_if<Response>(&offset)) return std::move(*r);
  store::ProfileQuery query;
  query.text = request.query("q").value_or("");
  query.fingerprint = request.query("fingerprint").value_or("");
  query.limit = std::get<size_t>(limit);
  query.offset = std::get<size_t>(offset);
  size_t total = 0;
  std::string body = "{\"profiles\":[";
  bool first = true;
  for (const store::StoredProfile& p : context.store->find_profiles(query, total)) {
    body += (first ? "" : ",") + engine::profile_to_json(p.profile, p.updated_ms);
    first = false;
  }
  body += "],\"total\":" + std::to_string(total) + "}";
  Response r;
  r.body = std::move(body);
  return r;
}

Response get_one(ServiceContext& context, const Request& request, std::string_view id) {
  if (!context.store) return no_store(request);
  const auto stored = context.store->profile(id);
  if (!stored) {
    return problem(404, "unknown-profile", "Not Found", "no profile " + std::string(id), "id",
                   request.request_id);
  }
  Response r;
  r.body = engine::profile_to_json(stored->profile, stored->updated_ms);
  return r;
}

void rebuild(ServiceContext& context) {
  std::string error;
  if (!rebuild_engine(context, error)) {
    context.log.event("warn", "engine rebuilt without its model", {{"error.message", error}});
  }
  announce_change(context, "profiles");
}

Response put(ServiceContext& context, const Request& request, std::string_view id_from_path,
             bool must_be_new) {
  if (!context.store) return no_store(request);
  auto body = json_object_body(request);  // content type and syntax first
  if (auto* r = std::get_if<Response>(&body)) return std::move(*r);
  std::string field, error;
  const std::optional<identify::Profile> profile =
      engine::profile_from_json(request.body, id_from_path, field, error);
  if (!profile) {
    return problem(422, "invalid-profile", "Unprocessable Content", field + ": " + error, field,
                   request.request_id);
  }
  const auto result = context.store->put_profile(*profile, must_be_new, error);
  if (result == store::Store::PutResult::kError) {
    if (must_be_new && error == "exists") {
      return problem(409, "profile-exists", "Conflict",
                     "a profile " + profile->id + " exists; PUT /api/v1/profiles/" + profile->id +
                         " replaces it",
                     "id", request.request_id);
    }
    throw std::runtime_error("profile not stored: " + error);
  }
  rebuild(context);
  Response r = get_one(context, request, profile->id);
  if (result == store::Store::PutResult::kCreated) {
    r.status = 201;
    r.set_header("Location", "/api/v1/profiles/" + profile->id);
  }
  return r;
}

Response remove(ServiceContext& context, const Request& request, std::string_view id) {
  if (!context.store) return no_store(request);
  if (!context.store->remove_profile(id)) {
    return problem(404, "unknown-profile", "Not Found", "no profile " + std::string(id), "id",
                   request.request_id);
  }
  rebuild(context);
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace

void add_profile_routes(Router& router, ServiceContext& context) {
  router.add("GET", "/api/v1/profiles", Access::kRead,
             [&context](const Request& r, const PathParams&) { return search(context, r); });
  router.add("POST", "/api/v1/profiles", Access::kWrite,
             [&context](const Request& r, const PathParams&) { return put(context, r, "", true); });
  router.add("GET", "/api/v1/profiles/{id}", Access::kRead,
             [&context](const Request& r, const PathParams& p) {
               return get_one(context, r, p.get("id"));
             });
  router.add("PUT", "/api/v1/profiles/{id}", Access::kWrite,
             [&context](const Request& r, const PathParams& p) {
               return put(context, r, p.get("id"), false);
             });
  router.add("DELETE", "/api/v1/profiles/{id}", Access::kWrite,
             [&context](const Request& r, const PathParams& p) {
               return remove(context, r, p.get("id"));
             });
}

}  // namespace fp::server
