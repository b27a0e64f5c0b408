#include "server/json_body.h"

#include <strings.h>
#include <algorithm>

#include "server/problem.h"

namespace fp::server {
namespace json = boost::json;

namespace {

bool is_json_type(std::string_view content_type) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!lower.empty() && lower.back() == ' ') lower.pop_back();
  return lower == "application/json" ||
         (lower.starts_with("application/") && lower.ends_with("+json"));
}

}  // namespace

std::optional<json::object> json_object_of(std::string_view text, std::string& error) {
  json::parse_options options;
  options.max_depth = 32;  // deep nesting is never a valid request; stops stack exhaustion
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) {
    error = "the body is not valid JSON: " + ec.message();
    return std::nullopt;
  }
  if (!value.is_object()) {
    error = "the body must be a JSON object, not " + std::string(kind_of(value));
    return std::nullopt;
  }
  return std::move(value.as_object());
}

std::variant<json::object, Response> json_object_body(const Request& request) {
  const auto type = request.header("Content-Type");
  if (!type || !is_json_type(*type)) {
    return problem(415, "unsupported-media-type", "Unsupported Media Type",
                   "send the body as application/json", "Content-Type", request.request_id);
  }
  std::string error;
  auto object = json_object_of(request.body, error);
  if (!object) return problem(400, "malformed-json", "Bad Request", error, {}, request.request_id);
  return std::move(*object);
}

Fields& Fields::only(std::initializer_list<std::string_view> known) {
  for (const auto& entry : object_) {
    if (std::find(known.begin(), known.end(), std::string_view(entry.key())) == known.end()) {
      fail(std::string(entry.key()), "unknown field");
      break;
    }
  }
  return *this;
}

const json::value* Fields::value(std::string_view key) const { return object_.if_contains(key); }

std::optional<std::string> Fields::string(std::string_view key) {
  const json::value* v = value(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    fail(std::string(key), "expected a string, got " + std::string(kind_of(*v)));
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<bool> Fields::boolean(std::string_view key) {
  const json::value* v = value(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_bool()) {
    fail(std::string(key), "expected true or false, got " + std::string(kind_of(*v)));
    return std::nullopt;
  }
  return v->as_bool();
}

void Fields::fail(std::string field, std::string message) {
  if (!field_.empty()) return;
  field_ = std::move(field);
  message_ = std::move(message);
}

Response Fields::problem_response(const Request& request) const {
  return problem(400, "invalid-field", "Bad Request", field_ + ": " + message_, field_,
                 request.request_id);
}

std::string_view kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

Response json_response(const json::value& value, int status) {
  Response r;
  r.status = status;
  r.body = json::serialize(value);
  return r;
}

}  // namespace fp::server
