#include "server/self_routes.h"

#include <boost/json.hpp>

#include "capture/record_json.h"
#include "core/hex.h"
#include "engine/inputs.h"
#include "server/assets.h"
#include "server/identification.h"
#include "server/problem.h"
#include "server/request_id.h"
#include "server/trace_context.h"

namespace fp::server {
namespace json = boost::json;
namespace {

constexpr std::string_view kSelfPath = "/api/v1/self";
constexpr std::string_view kRawPath = "/api/v1/self/raw";

Bytes bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

engine::RawInputs inputs_of(const CallerCapture& caller) {
  engine::RawInputs in;
  if (!caller.client_hello.empty()) in.client_hello = caller.client_hello;
  if (!caller.syn.empty()) in.syn = caller.syn;
  if (!caller.http1_head.empty()) in.http1_head = caller.http1_head;
  if (!caller.http2_frames.empty()) in.http2_frames = caller.http2_frames;
  return in;
}

// Every input that parses: one that does not (a client may send what OpenSSL accepts and our
// parser refuses) is dropped and counted, the others still fingerprint the caller.
capture::StreamRecord record_of(const CallerCapture& caller, Metrics& metrics) {
  engine::RawInputs in = inputs_of(caller);
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto record = engine::record_from_inputs(in);
    if (record) return std::move(*record);
    metrics.parse_failure("listener", record.error().field);
    const std::string& field = record.error().field;
    if (field == "tls_client_hello") in.client_hello.reset();
    if (field == "syn") in.syn.reset();
    if (field == "http_request") in.http1_head.reset();
    if (field == "http2_frames") in.http2_frames.reset();
  }
  return {};
}

std::string connection_json(const CallerCapture& caller) {
  return json::serialize(json::object{{"peer", caller.peer},
                                      {"peer_port", caller.peer_port},
                                      {"alpn", caller.alpn},
                                      {"tls_version", caller.tls_version},
                                      {"cipher", caller.cipher},
                                      {"connection_id", caller.connection_id}});
}

Response raw(const CallerCapture& caller) {
  json::object out;
  auto add = [&out](const char* key, const std::string& bytes) {
    if (!bytes.empty()) out[key] = base64_encode(bytes_of(bytes));
  };
  add("client_hello", caller.client_hello);
  add("syn", caller.syn);
  add("http2_frames", caller.http2_frames);
  add("http1_head", caller.http1_head);
  Response r;
  r.body = json::serialize(out);
  return r;
}

Response asset(const assets::Asset& a) {
  Response r;
  r.content_type = std::string(a.content_type);
  r.body = std::string(a.body);
  r.set_header("Content-Security-Policy", "default-src 'self'");
  r.set_header("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

Response SelfRoutes::self(const CallerCapture& caller) const {
  capture::StreamRecord record = record_of(caller, context_.metrics);
  const auto engine = context_.engine.current();
  const CachedIdentity identity = identify_cached(context_, engine->observe(record));
  record.identity = identity.json;
  if (caller.request_index == 0) {
    record_observation(context_, record, &identity, "listener", caller.peer);
  }
  std::string body = capture::to_json_line(record);
  body.pop_back();  // the closing brace: the connection object goes last
  body += ",\"connection\":" + connection_json(caller) + "}";
  Response r;
  r.body = std::move(body);
  r.set_header("Cache-Control", "no-store");
  return r;
}

Response SelfRoutes::route(const CallerCapture& caller, const Request& request) const {
  const bool get = request.method == "GET" || request.method == "HEAD";
  const assets::Asset* page =
      request.path == "/openapi.json" ? nullptr : assets::find(request.path);
  const bool known = page || request.path == kSelfPath || request.path == kRawPath;
  if (!known) {
    return problem(404, "not-found", "Not Found", "no route for " + request.path, {},
                   request.request_id);
  }
  if (!get) {
    Response r = problem(405, "method-not-allowed", "Method Not Allowed",
                         request.method + " is not allowed here; use GET", {}, request.request_id);
    r.set_header("Allow", "GET, HEAD");
    return r;
  }
  if (page) {
    // The first request of a connection is stored even when it is the page itself.
    if (caller.request_index == 0) (void)self(caller);
    return asset(*page);
  }
  return request.path == kSelfPath ? self(caller) : raw(caller);
}

Response SelfRoutes::handle(const CallerCapture& caller, const Request& incoming) const {
  const auto started = std::chrono::steady_clock::now();
  Request request = incoming;
  if (request.request_id.empty()) request.request_id = new_request_id();
  Response response;
  const RateDecision decision =
      context_.limiter.take("addr:" + request.peer, context_.config.per_address);
  if (!decision.allowed) {
    context_.metrics.rate_limited("address");
    response = problem(429, "rate-limited", "Too Many Requests",
                       "too many requests from this address; retry after " +
                           std::to_string(decision.retry_after_seconds) + " s",
                       {}, request.request_id);
    add_rate_limit_headers(decision, context_.config.per_address, response);
  } else {
    response = route(caller, request);
  }
  response.set_header("X-Request-Id", request.request_id);
  // W3C trace context as on the API: a caller's trace continues through the page it loads.
  const TraceContext trace = trace_context_of(request.headers);
  set_trace_headers(trace, response);
  const auto took = std::chrono::steady_clock::now() - started;
  const std::string_view route_name =
      response.status == 404 ? std::string_view("unmatched") : std::string_view(request.path);
  context_.metrics.request(route_name.size() > 32 ? "unmatched" : route_name, request.method,
                           response.status, std::chrono::duration<double>(took).count());
  context_.log.request(request, response, route_name, took, "", &trace);
  return response;
}

}  // namespace fp::server
