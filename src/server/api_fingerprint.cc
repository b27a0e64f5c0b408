// POST /api/v1/fingerprint, /api/v1/fingerprint/identify, /api/v1/identify, /api/v1/compare,
// /api/v1/batch: fingerprints and identities from what a caller sends in the body.
#include <boost/json.hpp>
#include <cmath>

#include "identify/similarity.h"
#include "server/fingerprint_requests.h"
#include "server/json_body.h"
#include "server/problem.h"
#include "server/routes.h"

namespace fp::server {
namespace json = boost::json;
namespace {

Response fingerprint_route(ServiceContext& context, const Request& request) {
  auto body = json_object_body(request);
  if (auto* r = std::get_if<Response>(&body)) return std::move(*r);
  auto parsed = read_fingerprint_request(std::get<json::object>(body), request);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  return fingerprint_response(context, std::get<FingerprintRequest>(parsed), request, "api");
}

Response identify_route(ServiceContext& context, const Request& request) {
  auto body = json_object_body(request);
  if (auto* r = std::get_if<Response>(&body)) return std::move(*r);
  auto parsed = read_identify_request(std::get<json::object>(body), request);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  return identify_response(context, std::get<engine::FingerprintStrings>(parsed));
}

// A problem of /fingerprint's, naming the field as this route's caller sent it.
Response as_legacy(Response r) {
  for (size_t at; (at = r.body.find("tls_client_hello")) != std::string::npos;) {
    r.body.replace(at, 16, "tls_data");
  }
  return r;
}

// The original design's request: {tls_data, http_headers, session_id} -> family, version,
// variant and their confidences.
Response legacy_identify_route(ServiceContext& context, const Request& request) {
  auto body = json_object_body(request);
  if (auto* r = std::get_if<Response>(&body)) return std::move(*r);
  const json::object& in = std::get<json::object>(body);
  Fields fields(in);
  fields.only({"tls_data", "http_headers", "session_id"});
  const std::string session = fields.string("session_id").value_or("");
  json::object translated;
  if (const json::value* v = in.if_contains("tls_data")) translated["tls_client_hello"] = *v;
  if (const json::value* v = in.if_contains("http_headers")) translated["http_headers"] = *v;
  if (!fields.ok()) return fields.problem_response(request);
  auto parsed = read_fingerprint_request(translated, request);
  if (auto* r = std::get_if<Response>(&parsed)) return as_legacy(std::move(*r));
  auto done = fingerprint_inputs(context, std::get<FingerprintRequest>(parsed), request, "api");
  if (auto* r = std::get_if<Response>(&done)) return as_legacy(std::move(*r));
  const Fingerprinted& f = std::get<Fingerprinted>(done);
  const CachedIdentity& id = *f.identity;
  auto text = [](const std::string& s) {
    return s.empty() ? std::string("null") : json::serialize(json::string(s));
  };
  const bool named = !id.client.empty() && id.client != "unknown";
  const double confidence = named ? id.client_confidence : 0;
  // Written by hand: confidences read "0.97", not Boost.JSON's "9.7E-1".
  Response r;
  r.body =
      "{\"session_id\":" + text(session) + ",\"family\":" + text(id.client) +
      ",\"version\":" + text(id.client_version) + ",\"variant\":" + text(id.profile) +
      ",\"family_confidence\":" + engine::json_number(confidence) +
      ",\"version_confidence\":" + engine::json_number(id.client_version.empty() ? 0 : confidence) +
      ",\"variant_confidence\":" + engine::json_number(id.profile.empty() ? 0 : id.quality) +
      ",\"ja4\":" + text(f.record.tls ? f.record.tls->ja4 : "") +
      ",\"ja3\":" + text(f.record.tls ? f.record.tls->ja3.hash : "") +
      ",\"ja4h\":" + text(f.record.http.empty() ? "" : f.record.http.front().ja4h) +
      ",\"identity\":" + id.json + "}";
  return r;
}

// One side of /compare: a JA4_r / JA4_ro string, {"profile": id}, or /identify's fields.
std::variant<identify::Observation, Response> compare_side(ServiceContext& context,
                                                           const json::value* side,
                                                           std::string_view name,
                                                           const Request& request) {
  const std::string field(name);
  if (side == nullptr) {
    return problem(400, "invalid-field", "Bad Request", field + ": missing", field,
                   request.request_id);
  }
  identify::Observation observation;
  if (side->is_string()) {
    if (identify::parse_ja4_raw(side->as_string(), observation)) return observation;
    return problem(422, "unprocessable-input", "Unprocessable Content",
                   field + ": not a JA4_r / JA4_ro string", field, request.request_id);
  }
  if (!side->is_object()) {
    return problem(
        400, "invalid-field", "Bad Request",
        field + ": expected a JA4_r string or an object, got " + std::string(kind_of(*side)), field,
        request.request_id);
  }
  const json::object& object = side->as_object();
  const auto engine = context.engine.current();
  if (const json::value* id = object.if_contains("profile")) {
    const identify::Profile* profile =
        id->is_string() ? engine->profile(std::string(id->as_string())) : nullptr;
    if (profile == nullptr) {
      return problem(422, "unknown-profile", "Unprocessable Content",
                     field + ".profile: no profile with this id", field + ".profile",
                     request.request_id);
    }
    return identify::observation_of(*profile);
  }
  auto strings = read_identify_request(object, request);
  if (auto* r = std::get_if<Response>(&strings)) return std::move(*r);
  return engine::observation_from_strings(std::get<engine::FingerprintStrings>(strings),
                                          engine->p0f());
}

Response compare_route(ServiceContext& context, const Request& request) {
  auto body = json_object_body(request);
  if (auto* r = std::get_if<Response>(&body)) return std::move(*r);
  const json::object& in = std::get<json::object>(body);
  Fields fields(in);
  fields.only({"a", "b"});
  if (!fields.ok()) return fields.problem_response(request);
  auto a = compare_side(context, in.if_contains("a"), "a", request);
  if (auto* r = std::get_if<Response>(&a)) return std::move(*r);
  auto b = compare_side(context, in.if_contains("b"), "b", request);
  if (auto* r = std::get_if<Response>(&b)) return std::move(*r);
  const auto& oa = std::get<identify::Observation>(a);
  const auto& ob = std::get<identify::Observation>(b);
  const identify::Similarity s = identify::compare(oa, ob);
  // Fingerprints both sides carry, equal or not: all a comparison of hashes can say.
  std::string equal_text;
  size_t shared = 0, same = 0;
  for (size_t k = 0; k < identify::kFingerprintKinds; ++k) {
    if (oa.values[k].empty() || ob.values[k].empty()) continue;
    ++shared;
    same += oa.values[k] == ob.values[k];
    const auto kind = static_cast<identify::FingerprintKind>(k);
    equal_text += std::string(equal_text.empty() ? "" : ",") + "\"" +
                  std::string(identify::key_of(kind)) +
                  "\":" + (oa.values[k] == ob.values[k] ? "true" : "false");
  }
  std::string fields_text;
  for (size_t i = 0; i < identify::kSimilarityFields; ++i) {
    const auto f = static_cast<identify::SimilarityField>(i);
    fields_text += (i ? "," : "") + json::serialize(json::string(identify::field_name(f))) + ":" +
                   (s.fields[i] ? engine::json_number(*s.fields[i]) : std::string("null"));
  }
  // No field to compare (hashes only): the share of equal fingerprints, else nothing to say.
  const std::string similarity =
      s.coverage > 0 ? engine::json_number(s.quality)
      : shared > 0   ? engine::json_number(static_cast<double>(same) / static_cast<double>(shared))
                     : std::string("null");
  Response r;
  r.body = "{\"similarity\":" + similarity + ",\"coverage\":" + engine::json_number(s.coverage) +
           ",\"fields\":{" + fields_text + "},\"equal\":{" + equal_text + "}}";
  return r;
}

}  // namespace

Response batch_route(ServiceContext& context, const Request& request);  // api_batch.cc

void add_fingerprint_routes(Router& router, ServiceContext& context) {
  router.add(
      "POST", "/api/v1/fingerprint", Access::kRead,
      [&context](const Request& r, const PathParams&) { return fingerprint_route(context, r); });
  router.add("POST", "/api/v1/fingerprint/identify", Access::kRead,
             [&context](const Request& r, const PathParams&) {
               return legacy_identify_route(context, r);
             });
  router.add(
      "POST", "/api/v1/identify", Access::kRead,
      [&context](const Request& r, const PathParams&) { return identify_route(context, r); });
  router.add("POST", "/api/v1/compare", Access::kRead,
             [&context](const Request& r, const PathParams&) { return compare_route(context, r); });
  router.add("POST", "/api/v1/batch", Access::kRead,
             [&context](const Request& r, const PathParams&) { return batch_route(context, r); });
}

}  // namespace fp::server
