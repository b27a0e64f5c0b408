#pragma once
// The fingerprinting listener's routes: `GET /` (the "who am I" page and its assets),
// `GET /api/v1/self` (the caller's record: the same fields `fingerprint analyze` writes, its
// identity, and the connection) and `GET /api/v1/self/raw` (the captured bytes, base64).
// Each connection is stored once, as an observation from "listener", on its first request.

#include "server/caller.h"
#include "server/http_types.h"
#include "server/service_context.h"

namespace fp::server {

class SelfRoutes {
 public:
  explicit SelfRoutes(ServiceContext& context) : context_(context) {}

  // The listener's handler (listener.h SelfHandler).
  [[nodiscard]] Response handle(const CallerCapture& caller, const Request& request) const;

 private:
  [[nodiscard]] Response route(const CallerCapture& caller, const Request& request) const;
  [[nodiscard]] Response self(const CallerCapture& caller) const;

  ServiceContext& context_;
};

}  // namespace fp::server
