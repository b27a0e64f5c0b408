#pragma once
// The service's log: one JSON object per line with Elastic Common Schema field names
// (@timestamp, log.level, message, http.request.method, url.path, http.response.status_code,
// event.duration in ns, client.ip, http.request.id, trace.id, transaction.id,
// user_agent.original, and ours: fp.route, fp.api_key_id, fp.trace.parent_id). It never writes
// credentials (Authorization, X-Api-Key, Cookie) or bodies: only the fields above are taken from
// a request, and the API key's id, never the key.

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "server/http_types.h"
#include "server/trace_context.h"

namespace spdlog {
class logger;
namespace sinks {
class sink;
}
}  // namespace spdlog

namespace fp::server {

class AccessLog {
 public:
  // `level` as in ServerConfig::log_level (trace|debug|info|warn|error|off; anything else is
  // info). Writes to stdout, or to `sink` (tests).
  explicit AccessLog(std::string_view level, std::shared_ptr<spdlog::sinks::sink> sink = nullptr);
  ~AccessLog();

  // One line per request: at info, or at error for a 5xx response. With `trace`, its ids:
  // trace.id, transaction.id (ECS: "a request to a server"; our span id) and the caller's
  // span as fp.trace.parent_id (ECS has no field for it). Without, the ids of the request's
  // own traceparent header, when valid (trace.id and fp.trace.parent_id).
  void request(const Request& request, const Response& response, std::string_view route,
               std::chrono::nanoseconds duration, std::string_view api_key_id = {},
               const TraceContext* trace = nullptr);
  // A service event ("listening", "shutdown" ...) with extra string fields, at `level`
  // (unknown levels log as info). Field names are written as given.
  void event(std::string_view level, std::string_view message,
             std::initializer_list<std::pair<std::string_view, std::string_view>> fields = {});

  void flush();

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace fp::server
