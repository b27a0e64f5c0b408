#pragma once
// Reading a request's JSON body with errors a caller can act on: 415 when it is not declared
// JSON, 400 when it does not parse or is not an object, 400 naming the field for a wrong type or
// an unknown key (a typo must not be silently ignored).

#include <boost/json.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "server/http_types.h"

namespace fp::server {

// The body as a JSON object, or the problem response to send.
[[nodiscard]] std::variant<boost::json::object, Response> json_object_body(const Request& request);

// The same for one JSON text (an NDJSON line): nullopt and `error` when it is not an object.
[[nodiscard]] std::optional<boost::json::object> json_object_of(std::string_view text,
                                                                std::string& error);

// Typed access to an object's fields; the first problem is kept as (field, message).
class Fields {
 public:
  explicit Fields(const boost::json::object& object) : object_(object) {}

  // Every key must be one of `known`.
  Fields& only(std::initializer_list<std::string_view> known);
  [[nodiscard]] std::optional<std::string> string(std::string_view key);
  [[nodiscard]] std::optional<bool> boolean(std::string_view key);
  [[nodiscard]] const boost::json::value* value(std::string_view key) const;

  [[nodiscard]] bool ok() const noexcept { return field_.empty(); }
  [[nodiscard]] const std::string& field() const noexcept { return field_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  void fail(std::string field, std::string message);
  // A 400 problem naming the field (when !ok()).
  [[nodiscard]] Response problem_response(const Request& request) const;

 private:
  const boost::json::object& object_;
  std::string field_, message_;
};

// A JSON value's type in words ("a string", "a number" ...), for messages.
[[nodiscard]] std::string_view kind_of(const boost::json::value& v);

// A JSON response body (Boost.JSON serialises numbers and escapes strings).
[[nodiscard]] Response json_response(const boost::json::value& value, int status = 200);

}  // namespace fp::server
