#include "server/fingerprint_requests.h"

#include <boost/json.hpp>

#include "capture/record_json.h"
#include "identify/observation.h"
#include "identify/profile.h"
#include "server/identification.h"
#include "server/json_body.h"
#include "server/problem.h"
#include "server/service_context.h"

namespace fp::server {
namespace json = boost::json;
namespace {

using identify::FingerprintKind;

constexpr std::string_view kRawInputs[] = {"tls_client_hello", "http_request", "http_headers",
                                           "http2_frames", "syn"};

Response unprocessable(const Request& request, std::string field, std::string detail) {
  return problem(422, "unprocessable-input", "Unprocessable Content", field + ": " + detail, field,
                 request.request_id);
}

// hex or base64 text to bytes; a 400 naming the field when it is neither.
std::optional<std::string> bytes_field(Fields& fields, std::string_view key) {
  std::optional<std::string> text = fields.string(key);
  if (!text) return std::nullopt;
  std::optional<std::string> bytes = engine::decode_bytes(*text);
  if (!bytes || bytes->empty()) {
    fields.fail(std::string(key), "expected hex or base64 bytes");
    return std::nullopt;
  }
  return bytes;
}

// "http_headers": {"Name": "value", ...} (JSON keeps the order) or [["Name", "value"], ...].
std::optional<std::vector<std::pair<std::string, std::string>>> header_list(Fields& fields,
                                                                            std::string_view key) {
  const json::value* v = fields.value(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> headers;
  if (v->is_object()) {
    for (const auto& entry : v->as_object()) {
      if (!entry.value().is_string()) {
        fields.fail(std::string(key) + "." + std::string(entry.key()), "expected a string");
        return std::nullopt;
      }
      headers.emplace_back(std::string(entry.key()), std::string(entry.value().as_string()));
    }
    return headers;
  }
  if (!v->is_array()) {
    fields.fail(std::string(key), "expected an object or an array of [name, value] pairs, got " +
                                      std::string(kind_of(*v)));
    return std::nullopt;
  }
  size_t i = 0;
  for (const json::value& pair : v->as_array()) {
    const std::string where = std::string(key) + "[" + std::to_string(i++) + "]";
    if (!pair.is_array() || pair.as_array().size() != 2 || !pair.as_array()[0].is_string() ||
        !pair.as_array()[1].is_string()) {
      fields.fail(where, "expected [name, value], two strings");
      return std::nullopt;
    }
    headers.emplace_back(std::string(pair.as_array()[0].as_string()),
                         std::string(pair.as_array()[1].as_string()));
  }
  return headers;
}

// A header name or value the HTTP/1 head could not carry.
bool header_text_ok(const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; }

std::optional<std::string> head_from_headers(Fields& fields) {
  auto headers = header_list(fields, "http_headers");
  if (!headers) return std::nullopt;
  const std::string method = fields.string("http_method").value_or("GET");
  const std::string target = fields.string("http_target").value_or("/");
  const std::string version = fields.string("http_version").value_or("1.1");
  for (const auto& [name, value] : *headers) {
    if (!header_text_ok(name) || !header_text_ok(value)) {
      fields.fail("http_headers", "a header name or value holds CR or LF");
      return std::nullopt;
    }
  }
  if (!header_text_ok(method) || !header_text_ok(target) || !header_text_ok(version)) {
    fields.fail("http_method", "the request line holds CR or LF");
    return std::nullopt;
  }
  return engine::http1_head_of(method, target, version, *headers);
}

// Why `value` is not usable as `key` of /identify, or "" when it is.
std::string identify_field_problem(std::string_view key, const std::string& value) {
  identify::Observation scratch;
  if (key == "ja4") {
    if (identify::parse_ja4_raw(value, scratch)) return {};
    return std::string(identify::fingerprint_problem(FingerprintKind::kJa4, value));
  }
  if (key == "ja4_r" || key == "ja4_ro") {
    return identify::parse_ja4_raw(value, scratch) ? "" : "not a JA4_r / JA4_ro string";
  }
  if (key == "ja3") {
    return identify::parse_ja3_raw(value, scratch) ? "" : "not a JA3 string (771,4865-...,...)";
  }
  if (key == "ja3n")
    return std::string(identify::fingerprint_problem(FingerprintKind::kJa3n, value));
  if (key == "ja4h")
    return std::string(identify::fingerprint_problem(FingerprintKind::kJa4h, value));
  if (key == "akamai") {
    return std::string(identify::fingerprint_problem(FingerprintKind::kAkamai, value));
  }
  if (key == "ja4t")
    return std::string(identify::fingerprint_problem(FingerprintKind::kJa4t, value));
  return {};
}

}  // namespace

bool has_raw_input(const json::object& body) {
  for (std::string_view key : kRawInputs) {
    if (body.contains(key)) return true;
  }
  return false;
}

std::variant<FingerprintRequest, Response> read_fingerprint_request(const json::object& body,
                                                                    const Request& request) {
  Fields fields(body);
  fields.only({"tls_client_hello", "http_request", "http_headers", "http_method", "http_target",
               "http_version", "http2_frames", "syn", "user_agent", "identify"});
  FingerprintRequest out;
  out.inputs.client_hello = bytes_field(fields, "tls_client_hello");
  out.inputs.syn = bytes_field(fields, "syn");
  out.inputs.http2_frames = bytes_field(fields, "http2_frames");
  out.inputs.http1_head = fields.string("http_request");
  if (out.inputs.http1_head && body.contains("http_headers")) {
    fields.fail("http_headers", "give either http_request or http_headers, not both");
  } else if (!out.inputs.http1_head) {
    out.inputs.http1_head = head_from_headers(fields);
  }
  out.user_agent = fields.string("user_agent").value_or("");
  out.identify = fields.boolean("identify").value_or(true);
  if (!fields.ok()) return fields.problem_response(request);
  const engine::RawInputs& in = out.inputs;
  if (!in.client_hello && !in.syn && !in.http2_frames && !in.http1_head) {
    return unprocessable(request, "tls_client_hello",
                         "no input: give at least one of tls_client_hello, http_request, "
                         "http_headers, http2_frames, syn");
  }
  return out;
}

std::variant<engine::FingerprintStrings, Response> read_identify_request(const json::object& body,
                                                                         const Request& request) {
  Fields fields(body);
  fields.only({"ja4", "ja4_r", "ja4_ro", "ja3", "ja3n", "ja4h", "akamai", "ja4t", "p0f_signature",
               "user_agent", "header_order"});
  std::string values[11];
  const char* keys[11] = {"ja4",    "ja4_r", "ja4_ro",        "ja3",        "ja3n",        "ja4h",
                          "akamai", "ja4t",  "p0f_signature", "user_agent", "header_order"};
  bool any = false;
  for (size_t i = 0; i < 11; ++i) {
    values[i] = fields.string(keys[i]).value_or("");
    if (values[i].empty()) continue;
    any = true;
    if (std::string why = identify_field_problem(keys[i], values[i]); !why.empty()) {
      if (fields.ok()) return unprocessable(request, keys[i], why);
    }
  }
  if (!fields.ok()) return fields.problem_response(request);
  if (!any) {
    return unprocessable(request, "ja4", "no fingerprint: give at least one field");
  }
  engine::FingerprintStrings s;
  // A raw JA4 says more than its hash (similarity reads the lists), so it wins when both come.
  s.ja4 = !values[2].empty() ? values[2] : !values[1].empty() ? values[1] : values[0];
  s.ja3 = !values[3].empty() ? values[3] : values[4];
  s.ja4h = values[5];
  s.akamai = values[6];
  s.ja4t = values[7];
  s.p0f_signature = values[8];
  s.user_agent = values[9];
  s.header_order = values[10];
  return s;
}

std::variant<Fingerprinted, Response> fingerprint_inputs(ServiceContext& context,
                                                         const FingerprintRequest& fingerprint,
                                                         const Request& request,
                                                         std::string_view source) {
  auto record = engine::record_from_inputs(fingerprint.inputs);
  if (!record) {
    context.metrics.parse_failure("api", record.error().field);
    return unprocessable(request, record.error().field, record.error().message);
  }
  Fingerprinted out{std::move(*record), std::nullopt};
  if (fingerprint.identify) {
    const auto engine = context.engine.current();
    identify::Observation observation = engine->observe(out.record);
    if (observation.user_agent.empty()) observation.user_agent = fingerprint.user_agent;
    out.identity = identify_cached(context, observation);
    out.record.identity = out.identity->json;
  }
  record_observation(context, out.record, out.identity ? &*out.identity : nullptr, source,
                     request.peer);
  return out;
}

Response fingerprint_response(ServiceContext& context, const FingerprintRequest& fingerprint,
                              const Request& request, std::string_view source) {
  auto done = fingerprint_inputs(context, fingerprint, request, source);
  if (auto* r = std::get_if<Response>(&done)) return std::move(*r);
  Response r;
  r.body = capture::to_json_line(std::get<Fingerprinted>(done).record);
  return r;
}

Response identify_response(ServiceContext& context, const engine::FingerprintStrings& strings) {
  const auto engine = context.engine.current();
  const identify::Observation observation =
      engine::observation_from_strings(strings, engine->p0f());
  Response r;
  r.body = identify_cached(context, observation).json;
  return r;
}

}  // namespace fp::server
