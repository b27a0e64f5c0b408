// GET /healthz (the process answers), /readyz (it can do its work: engine loaded, store
// reachable, writer queue not full; Redis reported but not required), /metrics (Prometheus
// text), /openapi.json.
#include <atomic>
#include <boost/json.hpp>

#include "server/assets.h"
#include "server/json_body.h"
#include "server/redis_client.h"
#include "server/routes.h"
#include "store/observation_writer.h"
#include "store/store.h"

namespace fp::server {
namespace json = boost::json;
namespace {

Response ready(ServiceContext& context) {
  json::object checks;
  bool ready = true;
  const auto engine = context.engine.current();
  checks["engine"] = engine ? "ok" : "not loaded";
  ready = ready && engine;
  const bool spooling = context.writer && context.writer->has_spool();
  if (context.store) {
    // With a spool, a store that does not answer is the designed degradation (observations
    // wait on disk, identification goes on): still ready, so a load balancer keeps sending.
    std::string error;
    const bool healthy = context.store->healthy(error);
    checks["store"] = healthy ? "ok" : (spooling ? "down, spooling: " : "down: ") + error;
    ready = ready && (healthy || spooling);
  }
  if (context.writer) {
    const size_t depth = context.writer->depth();
    // A spool keeps on disk what does not fit in memory: then its bytes are the bound.
    const bool room =
        spooling ? context.writer->spool_bytes() < context.config.store_spool_max_bytes / 100 * 95
                 : depth < context.config.store_queue;
    checks["store_queue"] = room ? "ok" : "full";
    ready = ready && room;
    context.metrics.set_store_queue_depth(depth);
  }
  if (context.redis) {
    // Serving with local limits and cache is the designed degradation: still ready.
    const bool up = context.redis->up();
    checks["redis"] = up ? "ok" : "down: local rate limits, local cache";
    context.metrics.set_redis_up(up);
  }
  return json_response({{"status", ready ? "ready" : "not_ready"}, {"checks", checks}},
                       ready ? 200 : 503);
}

// The writer's counts, mirrored into the metrics at each scrape.
void report_store(ServiceContext& context) {
  if (!context.writer) return;
  const store::ObservationWriter& w = *context.writer;
  std::string error;
  context.metrics.report_store(
      {.written = w.written(),
       .failed_batches = w.failed_batches(),
       .spooled = w.spooled(),
       .replayed = w.replayed(),
       .spool_refused = w.spool_refused(),
       .overflowed = w.overflowed(),
       .bad_lines = w.torn_lines() + w.corrupt_lines(),
       .lost = w.lost(),
       .depth = w.depth(),
       .spool_bytes = w.spool_bytes(),
       .store_up = context.store == nullptr || context.store->healthy(error)});
}

Response metrics(ServiceContext& context) {
  report_store(context);
  if (context.redis) context.metrics.set_redis_up(context.redis->up());
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = context.metrics.render();
  return r;
}

Response openapi() {
  const assets::Asset* asset = assets::find("/openapi.json");
  Response r;
  r.content_type = asset ? std::string(asset->content_type) : "application/json";
  r.body = asset ? std::string(asset->body) : "{}";
  return r;
}

}  // namespace

void add_operations_routes(Router& router, ServiceContext& context) {
  router.add("GET", "/healthz", Access::kPublic, [](const Request&, const PathParams&) {
    return json_response({{"status", "ok"}});
  });
  router.add("GET", "/readyz", Access::kPublic,
             [&context](const Request&, const PathParams&) { return ready(context); });
  router.add("GET", "/metrics", Access::kPublic,
             [&context](const Request&, const PathParams&) { return metrics(context); });
  router.add("GET", "/openapi.json", Access::kPublic,
             [](const Request&, const PathParams&) { return openapi(); });
}

}  // namespace fp::server
