#include "server/problem.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace fp::server {
namespace {

namespace json = boost::json;

json::object parse_object(const std::string& body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  EXPECT_FALSE(ec) << ec.message() << " in " << body;
  return value.is_object() ? value.as_object() : json::object();
}

TEST(Problem, WritesRfc9457Members) {
  Response r = problem(404, "not-found", "Not Found", "no observation 42", "", "req-1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body,
            "{\"type\":\"https://fingerprint-api.dev/problems/not-found\",\"title\":\"Not Found\","
            "\"status\":404,\"detail\":\"no observation 42\",\"request_id\":\"req-1\"}");
  const auto object = parse_object(r.body);
  EXPECT_EQ(object.at("status").as_int64(), 404);
  EXPECT_FALSE(object.contains("field"));
}

TEST(Problem, FieldAndRequestIdOnlyWhenGiven) {
  const auto with_field =
      parse_object(problem(422, "invalid-field", "Invalid field", "bad", "ja4").body);
  EXPECT_EQ(with_field.at("field").as_string(), "ja4");
  EXPECT_FALSE(with_field.contains("request_id"));
  const auto bare = parse_object(problem(500, "internal", "Internal error", "").body);
  EXPECT_FALSE(bare.contains("field"));
  EXPECT_FALSE(bare.contains("request_id"));
  EXPECT_EQ(bare.at("detail").as_string(), "");
}

TEST(Problem, EscapesClientText) {
  const std::string detail = "quote \" backslash \\ newline \n tab \t nul " + std::string(1, '\0') +
                             " bell \x07 </script>";
  Response r = problem(400, "bad-request", "Bad \"request\"", detail, "a\"b", "id");
  const auto object = parse_object(r.body);
  EXPECT_EQ(object.at("detail").as_string(), detail);
  EXPECT_EQ(object.at("title").as_string(), "Bad \"request\"");
  EXPECT_EQ(object.at("field").as_string(), "a\"b");
  EXPECT_EQ(r.body.find('\n'), std::string::npos);
}

TEST(Problem, InvalidUtf8BecomesReplacementCharacters) {
  Response r = problem(400, "bad-request", "Bad request", "caf\xC3\xA9 \xFF\xFE end", "\x80");
  const auto object = parse_object(r.body);  // Boost.JSON rejects invalid UTF-8
  EXPECT_EQ(object.at("detail").as_string(), "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_EQ(object.at("field").as_string(), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace fp::server
