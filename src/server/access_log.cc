#include "server/access_log.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/json_writer.h"
#include "core/utf8.h"

namespace fp::server {
namespace {

struct LevelName {
  std::string_view name;
  spdlog::level::level_enum level;
};
// ECS log.level values are these lower-case names.
constexpr LevelName kLevels[] = {
    {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
    {"warn", spdlog::level::warn},   {"error", spdlog::level::err},   {"off", spdlog::level::off},
};

spdlog::level::level_enum level_of(std::string_view name) {
  for (const auto& entry : kLevels) {
    if (entry.name == name) return entry.level;
  }
  return spdlog::level::info;
}

std::string_view name_of(spdlog::level::level_enum level) {
  for (const auto& entry : kLevels) {
    if (entry.level == level) return entry.name;
  }
  return "info";
}

// ISO 8601 in UTC with milliseconds: 2024-05-01T12:34:56.789Z.
std::string timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(millis));
  return text;
}

// Client-supplied text is any bytes; JSON needs UTF-8 (JsonWriter escapes the rest).
void text_member(JsonWriter& json, std::string_view name, std::string_view value) {
  json.member(name, to_valid_utf8(value));
}

// The request's trace ids: ours when the dispatcher made them, else those the caller sent.
void trace_members(JsonWriter& json, const Request& request, const TraceContext* trace) {
  if (trace != nullptr) {
    json.member("trace.id", trace->trace_id);
    json.member("transaction.id", trace->span_id);
    if (!trace->parent_id.empty()) json.member("fp.trace.parent_id", trace->parent_id);
    return;
  }
  if (auto traceparent = request.header("traceparent")) {
    if (auto parent = parse_traceparent(*traceparent)) {
      json.member("trace.id", parent->trace_id);
      json.member("fp.trace.parent_id", parent->parent_id);
    }
  }
}

void begin_line(JsonWriter& json, spdlog::level::level_enum level, std::string_view message) {
  json.begin_object();
  json.member("@timestamp", timestamp_now());
  json.member("log.level", name_of(level));
  text_member(json, "message", message);
}

}  // namespace

AccessLog::AccessLog(std::string_view level, std::shared_ptr<spdlog::sinks::sink> sink) {
  if (!sink) sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  // Not registered with spdlog's global registry: several instances (tests) must not clash.
  logger_ = std::make_shared<spdlog::logger>("fingerprint", std::move(sink));
  logger_->set_pattern("%v");  // the line is the JSON we build
  logger_->set_level(level_of(level));
}

AccessLog::~AccessLog() { logger_->flush(); }

void AccessLog::request(const Request& request, const Response& response, std::string_view route,
                        std::chrono::nanoseconds duration, std::string_view api_key_id,
                        const TraceContext* trace) {
  const auto level = response.status >= 500 ? spdlog::level::err : spdlog::level::info;
  if (!logger_->should_log(level)) return;
  std::string line;
  JsonWriter json(line);
  begin_line(json, level, "request");
  // Only these fields are taken from the request: never its credentials, cookies or body.
  text_member(json, "http.request.method", request.method);
  text_member(json, "url.path", request.path);
  json.member("http.response.status_code", static_cast<uint64_t>(std::max(response.status, 0)));
  json.member("event.duration", static_cast<uint64_t>(std::max<int64_t>(duration.count(), 0)));
  text_member(json, "client.ip", request.peer);
  text_member(json, "http.request.id", request.request_id);
  trace_members(json, request, trace);
  if (auto user_agent = request.header("User-Agent")) {
    text_member(json, "user_agent.original", *user_agent);
  }
  text_member(json, "fp.route", route);
  if (!api_key_id.empty()) text_member(json, "fp.api_key_id", api_key_id);
  json.end_object();
  logger_->log(level, spdlog::string_view_t(line.data(), line.size()));
}

void AccessLog::event(std::string_view level_name, std::string_view message,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  auto level = level_of(level_name);
  if (level == spdlog::level::off) level = spdlog::level::info;
  if (!logger_->should_log(level)) return;
  std::string line;
  JsonWriter json(line);
  begin_line(json, level, message);
  for (const auto& [name, value] : fields) {
    json.key(to_valid_utf8(name));
    json.string(to_valid_utf8(value));
  }
  json.end_object();
  logger_->log(level, spdlog::string_view_t(line.data(), line.size()));
}

void AccessLog::flush() { logger_->flush(); }

}  // namespace fp::server
