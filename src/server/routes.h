#pragma once
// The service's routes, one function per area, each in its own api_<area>.cc.

#include "server/router.h"
#include "server/service_context.h"

namespace fp::server {

// POST /api/v1/fingerprint, /fingerprint/identify, /identify, /compare, /batch
void add_fingerprint_routes(Router& router, ServiceContext& context);
// POST /api/v1/pcap
void add_pcap_routes(Router& router, ServiceContext& context);
// /api/v1/profiles[/{id}]
void add_profile_routes(Router& router, ServiceContext& context);
// GET /api/v1/observations, /api/v1/stats
void add_observation_routes(Router& router, ServiceContext& context);
// POST /api/v1/observations (records from sensors: `fingerprint capture --output URL`)
void add_ingest_routes(Router& router, ServiceContext& context);
// GET /api/v1/models, POST /api/v1/models/{id}/activate
void add_model_routes(Router& router, ServiceContext& context);
// GET /healthz, /readyz, /metrics, /openapi.json
void add_operations_routes(Router& router, ServiceContext& context);

}  // namespace fp::server
