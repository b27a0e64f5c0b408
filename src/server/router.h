#pragma once
// Routes of the API: method + path pattern ("/api/v1/profiles/{id}") to a handler, with the
// access each needs. Lookup tells a 404 (no pattern matches the path) from a 405 (a pattern
// matches, not with this method; `allowed` lists the methods for the Allow header).

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http_types.h"

namespace fp::server {

enum class Access : uint8_t {
  kPublic,  // no key, no rate limit (health, metrics, OpenAPI)
  kRead,    // key optional; limited per key (else per the anonymous tier) and per address
  kWrite,   // a key that may write is required
};

struct PathParams {
  std::vector<std::pair<std::string, std::string>> values;
  [[nodiscard]] std::string_view get(std::string_view name) const;
};

using Handler = std::function<Response(const Request&, const PathParams&)>;

struct Route {
  std::string method;
  std::string pattern;  // also the `route` label of metrics and logs: bounded
  Access access = Access::kRead;
  size_t max_body_bytes = 0;  // 0: the configured JSON body limit
  Handler handler;
  std::vector<std::string> segments;  // the pattern split at '/'; "{name}" is a parameter
};

class Router {
 public:
  void add(std::string method, std::string pattern, Access access, Handler handler,
           size_t max_body_bytes = 0);

  struct Lookup {
    const Route* route = nullptr;  // null: 404 when `allowed` is empty, else 405
    PathParams params;
    std::vector<std::string> allowed;
  };
  [[nodiscard]] Lookup find(std::string_view method, std::string_view path) const;
  [[nodiscard]] const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace fp::server
