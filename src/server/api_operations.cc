// GET /healthz (the process answers), /readyz (it can do its work: engine loaded, store
// reachable, writer queue not full), /metrics (Prometheus text), /openapi.json.
#include <atomic>
#include <boost/json.hpp>

#include "server/assets.h"
#include "server/json_body.h"
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
  if (context.store) {
    std::string error;
    const bool healthy = context.store->healthy(error);
    checks["store"] = healthy ? "ok" : error;
    ready = ready && healthy;
  }
  if (context.writer) {
    const size_t depth = context.writer->depth();
    const bool room = depth < context.config.store_queue;
    checks["store_queue"] = room ? "ok" : "full";
    ready = ready && room;
    context.metrics.set_store_queue_depth(depth);
  }
  return json_response({{"status", ready ? "ready" : "not_ready"}, {"checks", checks}},
                       ready ? 200 : 503);
}

// The writer counts what it committed; the counter is brought up to it at each scrape.
void report_store(ServiceContext& context) {
  if (!context.writer) return;
  context.metrics.set_store_queue_depth(context.writer->depth());
  static std::atomic<uint64_t> reported{0};
  const uint64_t written = context.writer->written();
  uint64_t before = reported.load();
  while (before < written && !reported.compare_exchange_weak(before, written)) {
  }
  if (before < written) context.metrics.store_written(written - before);
}

Response metrics(ServiceContext& context) {
  report_store(context);
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
