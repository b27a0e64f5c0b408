#include "server/dispatcher.h"

#include <chrono>
#include <exception>

#include "server/problem.h"
#include "server/request_id.h"
#include "server/trace_context.h"
#include "store/store.h"

namespace fp::server {
namespace {

// fp_limits_hit_total{limit=...} when a caller's tracestate loses members to kMaxTraceStateLength.
constexpr std::string_view kLimitTraceStateLength = "tracestate_length";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

struct Dispatcher::Caller {
  std::optional<store::ApiKey> key;
};

std::string api_key_of(const Request& request) {
  if (auto auth = request.header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() > kBearer.size() && auth->substr(0, kBearer.size()) == kBearer) {
      return std::string(auth->substr(kBearer.size()));
    }
  }
  if (auto key = request.header("X-Api-Key")) return std::string(*key);
  return {};
}

Dispatcher::Dispatcher(const Router& router, ServiceContext& context)
    : router_(router), context_(context) {}

size_t Dispatcher::body_limit(std::string_view method, std::string_view path) const {
  const Router::Lookup lookup = router_.find(method, path);
  if (lookup.route && lookup.route->max_body_bytes > 0) return lookup.route->max_body_bytes;
  return context_.config.max_body_bytes;
}

std::optional<Response> Dispatcher::authorize(const Request& request, const Route& route,
                                              Caller& caller) const {
  if (route.access == Access::kPublic) return std::nullopt;
  const std::string secret = api_key_of(request);
  if (!secret.empty()) {
    if (context_.store) caller.key = keys_.find(*context_.store, secret);
    if (!caller.key) {
      return problem(401, "invalid-api-key", "Unauthorized", "the API key is unknown or revoked",
                     "Authorization", request.request_id);
    }
  }
  if (route.access != Access::kWrite) return std::nullopt;
  if (!caller.key) {
    Response r = problem(401, "api-key-required", "Unauthorized",
                         "this route changes data: send an API key as 'Authorization: Bearer "
                         "<key>' or 'X-Api-Key' (make one with `fingerprint keys create`)",
                         "Authorization", request.request_id);
    r.set_header("WWW-Authenticate", "Bearer");
    return r;
  }
  if (!caller.key->can_write) {
    return problem(403, "read-only-key", "Forbidden", "this API key may not change data",
                   "Authorization", request.request_id);
  }
  return std::nullopt;
}

std::optional<Response> Dispatcher::limit_rate(const Request& request, const Caller& caller,
                                               Response& headers_to) const {
  const ServerConfig& config = context_.config;
  const TierLimits* tier = config.tier(caller.key ? caller.key->tier : config.anonymous_tier);
  if (tier == nullptr) tier = config.tier(config.anonymous_tier);
  const std::string bucket = caller.key ? "key:" + caller.key->id : "anon:" + request.peer;
  RateDecision decision{true, 0, 0, 0, 0};
  if (tier != nullptr) decision = context_.limiter.take(bucket, *tier);
  const RateDecision per_address =
      context_.limiter.take("addr:" + request.peer, config.per_address);
  const bool address_refused = !per_address.allowed;
  if (decision.allowed && !address_refused) {
    if (tier != nullptr) add_rate_limit_headers(decision, *tier, headers_to);
    return std::nullopt;
  }
  context_.metrics.rate_limited(address_refused ? "address" : "key");
  const RateDecision& refused = address_refused ? per_address : decision;
  const TierLimits& refused_tier = address_refused ? config.per_address : *tier;
  Response r = problem(429, "rate-limited", "Too Many Requests",
                       "the " + refused_tier.name + " limit of " +
                           std::to_string(static_cast<int64_t>(refused_tier.rate_per_second)) +
                           " requests per second is used up; retry after " +
                           std::to_string(refused.retry_after_seconds) + " s",
                       {}, request.request_id);
  add_rate_limit_headers(refused, refused_tier, r);
  return r;
}

Response Dispatcher::dispatch(Request& request) const {
  const auto started = std::chrono::steady_clock::now();
  if (auto id = request.header("X-Request-Id"); id && usable_request_id(*id)) {
    request.request_id = std::string(*id);
  } else {
    request.request_id = new_request_id();
  }
  const TraceContext trace = trace_context_of(request.headers);
  if (trace.tracestate_dropped > 0) context_.metrics.limit_hit(kLimitTraceStateLength);
  const Router::Lookup lookup = router_.find(request.method, request.path);
  std::string_view route_name = "unmatched";
  Response response;
  Caller caller;
  if (lookup.route == nullptr && lookup.allowed.empty()) {
    response = problem(404, "not-found", "Not Found", "no route for " + request.path, {},
                       request.request_id);
  } else if (lookup.route == nullptr) {
    response = problem(405, "method-not-allowed", "Method Not Allowed",
                       request.method + " is not allowed here; use " + join(lookup.allowed), {},
                       request.request_id);
    response.set_header("Allow", join(lookup.allowed));
  } else {
    route_name = lookup.route->pattern;
    Response limit_headers;
    if (auto refused = authorize(request, *lookup.route, caller)) {
      response = std::move(*refused);
    } else if (auto limited = lookup.route->access == Access::kPublic
                                  ? std::nullopt
                                  : limit_rate(request, caller, limit_headers)) {
      response = std::move(*limited);
    } else {
      try {
        response = lookup.route->handler(request, lookup.params);
      } catch (const std::exception& e) {
        context_.log.event("error", "handler failed",
                           {{"fp.route", route_name}, {"error.message", e.what()}});
        response = problem(500, "internal", "Internal Server Error",
                           "the request could not be completed", {}, request.request_id);
      }
      for (auto& [name, value] : limit_headers.headers) response.set_header(name, value);
    }
  }
  response.set_header("X-Request-Id", request.request_id);
  set_trace_headers(trace, response);
  const auto took = std::chrono::steady_clock::now() - started;
  context_.metrics.request(route_name, request.method, response.status,
                           std::chrono::duration<double>(took).count());
  context_.log.request(request, response, route_name, took, caller.key ? caller.key->id : "",
                       &trace);
  return response;
}

}  // namespace fp::server
