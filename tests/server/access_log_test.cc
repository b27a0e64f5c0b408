#include "server/access_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "server/request_id.h"

namespace fp::server {
namespace {

namespace json = boost::json;

struct CapturedLog {
  std::ostringstream out;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink =
      std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true);

  std::vector<json::object> objects() const {
    std::vector<json::object> result;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) {
      boost::system::error_code ec;
      json::value value = json::parse(line, ec);
      EXPECT_FALSE(ec) << ec.message() << " in " << line;
      if (!ec && value.is_object()) result.push_back(value.as_object());
    }
    return result;
  }
};

Request sample_request() {
  Request request;
  request.method = "POST";
  request.target = "/api/v1/identify?x=1";
  request.path = "/api/v1/identify";
  request.peer = "192.0.2.7";
  request.request_id = "abc-123";
  request.headers = {{"Host", "api.example"},
                     {"User-Agent", "curl/8.0"},
                     {"Authorization", "Bearer secret"},
                     {"X-Api-Key", "fpk_secret"},
                     {"Cookie", "session=secret"},
                     {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
  request.body = "{\"token\":\"secret\"}";
  return request;
}

TEST(AccessLog, RequestLineHasEcsFields) {
  CapturedLog log;
  AccessLog access("info", log.sink);
  Response response;
  response.status = 201;
  response.body = "secret response";
  access.request(sample_request(), response, "/api/v1/identify", std::chrono::nanoseconds(1234567),
                 "key_42");
  const auto objects = log.objects();
  ASSERT_EQ(objects.size(), 1u);
  const auto& line = objects[0];
  EXPECT_EQ(line.at("log.level").as_string(), "info");
  EXPECT_EQ(line.at("http.request.method").as_string(), "POST");
  EXPECT_EQ(line.at("url.path").as_string(), "/api/v1/identify");
  EXPECT_EQ(line.at("http.response.status_code").as_int64(), 201);
  EXPECT_EQ(line.at("event.duration").as_int64(), 1234567);
  EXPECT_EQ(line.at("client.ip").as_string(), "192.0.2.7");
  EXPECT_EQ(line.at("http.request.id").as_string(), "abc-123");
  EXPECT_EQ(line.at("trace.id").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(line.at("user_agent.original").as_string(), "curl/8.0");
  EXPECT_EQ(line.at("fp.route").as_string(), "/api/v1/identify");
  EXPECT_EQ(line.at("fp.api_key_id").as_string(), "key_42");
  const std::string timestamp(line.at("@timestamp").as_string());
  EXPECT_TRUE(std::regex_match(timestamp, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << timestamp;
}

TEST(AccessLog, NeverWritesCredentialsCookiesOrBodies) {
  CapturedLog log;
  AccessLog access("trace", log.sink);
  Response response;
  response.status = 500;
  response.body = "secret";
  response.set_header("Set-Cookie", "session=secret");
  access.request(sample_request(), response, "/api/v1/identify", std::chrono::nanoseconds(1));
  access.flush();
  EXPECT_THAT(log.out.str(), ::testing::Not(::testing::HasSubstr("secret")));
  const auto objects = log.objects();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].at("log.level").as_string(), "error");  // a 5xx
  EXPECT_FALSE(objects[0].contains("fp.api_key_id"));
}

TEST(AccessLog, HostileTextStaysOneValidLine) {
  CapturedLog log;
  AccessLog access("info", log.sink);
  Request request = sample_request();
  request.path = "/a\n{\"log.level\":\"error\"}\xff";
  request.headers = {{"User-Agent", "x\"\r\ny\x01"}, {"traceparent", "garbage"}};
  access.request(request, Response{}, "/{any}", std::chrono::nanoseconds(5));
  const auto objects = log.objects();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].at("url.path").as_string(), "/a\n{\"log.level\":\"error\"}\xEF\xBF\xBD");
  EXPECT_EQ(objects[0].at("user_agent.original").as_string(), "x\"\r\ny\x01");
  EXPECT_FALSE(objects[0].contains("trace.id"));
}

TEST(AccessLog, LevelFiltersLines) {
  CapturedLog log;
  AccessLog access("warn", log.sink);
  access.request(sample_request(), Response{}, "/", std::chrono::nanoseconds(1));  // info: no
  access.event("info", "quiet");
  access.event("warn", "listening", {{"url.full", "https://127.0.0.1:8443"}, {"x", "a\"b"}});
  const auto objects = log.objects();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].at("log.level").as_string(), "warn");
  EXPECT_EQ(objects[0].at("message").as_string(), "listening");
  EXPECT_EQ(objects[0].at("url.full").as_string(), "https://127.0.0.1:8443");
  EXPECT_EQ(objects[0].at("x").as_string(), "a\"b");

  CapturedLog silent;
  AccessLog off("off", silent.sink);
  off.event("error", "nothing");
  off.request(sample_request(), Response{}, "/", std::chrono::nanoseconds(1));
  EXPECT_EQ(silent.out.str(), "");
}

TEST(RequestId, NewIdsAreHexAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_request_id();
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
    EXPECT_TRUE(usable_request_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestId, UsableIdsAreShortAndPlain) {
  EXPECT_TRUE(usable_request_id("a"));
  EXPECT_TRUE(usable_request_id("Req-1.2_3"));
  EXPECT_TRUE(usable_request_id(std::string(64, 'x')));
  EXPECT_FALSE(usable_request_id(std::string(65, 'x')));
  EXPECT_FALSE(usable_request_id(""));
  EXPECT_FALSE(usable_request_id("a b"));
  EXPECT_FALSE(usable_request_id("a\r\nSet-Cookie: x"));
  EXPECT_FALSE(usable_request_id("a\"b"));
  EXPECT_FALSE(usable_request_id("caf\xC3\xA9"));
}

}  // namespace
}  // namespace fp::server
