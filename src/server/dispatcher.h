#pragma once
// Every API request goes through dispatch(): request id, route lookup (404, 405 with Allow),
// API key (401, 403; keys remembered, server/key_cache.h), rate limits per key and per address (429
// with Retry-After), the handler (an exception becomes a logged 500, which no input should reach),
// metrics and one log line.

#include <optional>
#include <string>

#include "server/key_cache.h"
#include "server/router.h"
#include "server/service_context.h"

namespace fp::server {

class Dispatcher {
 public:
  Dispatcher(const Router& router, ServiceContext& context);

  [[nodiscard]] Response dispatch(Request& request) const;
  // The body limit of the route the method and path go to (the JSON limit when none does).
  [[nodiscard]] size_t body_limit(std::string_view method, std::string_view path) const;

 private:
  struct Caller;
  [[nodiscard]] std::optional<Response> authorize(const Request& request, const Route& route,
                                                  Caller& caller) const;
  [[nodiscard]] std::optional<Response> limit_rate(const Request& request, const Caller& caller,
                                                   Response& headers_to) const;

  const Router& router_;
  ServiceContext& context_;
  mutable KeyCache keys_;  // thread-safe; remembers keys so a store outage does not 401 them
};

// The API key of a request: `Authorization: Bearer <key>` or `X-Api-Key: <key>`; "" when none.
[[nodiscard]] std::string api_key_of(const Request& request);

}  // namespace fp::server
