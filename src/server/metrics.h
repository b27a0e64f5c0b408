#pragma once
// The service's Prometheus metrics (text exposition 0.0.4 on GET /metrics).
//
// Every label value must come from a bounded set, or the registry grows without end:
//   route      the route pattern ("/api/v1/identify/{id}"), never the raw path;
//   method     the HTTP method, folded to "OTHER" unless it is a standard one;
//   status     the response status code (100..599);
//   result     ok | failed | timeout | refused;  alpn: the negotiated protocol or "none";
//   layer, reason  from the parsers' fixed error enums (describe() names);
//   scope      key | address;  limit: a ServerConfig limit name;  listener: api | fingerprint;
//   matched_by the identification's method (exact | similarity | classifier | none ...);
//   level      local | shared;  result (cache) hit | miss;
//   direction  received | published | publish_failed;  kind: profiles | model | resync.
// Values longer than kMaxLabelValue are cut, and at most kMaxSeriesPerFamily label sets are
// kept per family (further ones fold into "other"), so a caller's bug cannot exhaust memory.
// All methods are thread-safe; a label set's counter is looked up in a small map once and cached.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fp::server {

class Metrics {
 public:
  static constexpr size_t kMaxLabelValue = 64;
  static constexpr size_t kMaxSeriesPerFamily = 1000;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // fp_http_requests_total{route,method,status} and
  // fp_http_request_duration_seconds{route} (histogram, 50 µs .. 10 s).
  void request(std::string_view route, std::string_view method, int status, double seconds);
  // fp_tls_handshakes_total{result,alpn}; result ok|failed|timeout|refused.
  void handshake(std::string_view result, std::string_view alpn);
  // fp_parse_failures_total{layer,reason}.
  void parse_failure(std::string_view layer, std::string_view reason);
  // The local LRU: fp_identity_cache_hits_total / fp_identity_cache_misses_total (the names
  // dashboards use) and fp_identity_cache_lookups_total{level="local",result}.
  void cache(bool hit);
  // The shared (Redis) level, asked after a local miss:
  // fp_identity_cache_lookups_total{level="shared",result}.
  void shared_cache(bool hit);
  // fp_redis_up gauge: 1 when the Redis client is up, 0 when down (limits and cache are local);
  // absent until first set (no Redis configured).
  void set_redis_up(bool up);
  // fp_rate_limit_fallback_total: requests limited locally because Redis was unreachable.
  void rate_limit_fallback();
  // fp_cluster_events_total{direction,kind}.
  void cluster_event(std::string_view direction, std::string_view kind);
  // fp_rate_limited_total{scope}; scope key|address.
  void rate_limited(std::string_view scope);
  // fp_limits_hit_total{limit}: max_body_bytes, max_connections, header_timeout ...
  void limit_hit(std::string_view limit);
  // fp_open_connections{listener} gauge and fp_connections_total{listener}.
  void connection_opened(std::string_view listener);
  void connection_closed(std::string_view listener);
  // fp_store_queue_depth gauge.
  void set_store_queue_depth(size_t n);
  // fp_store_observations_dropped_total: a row the writer refused (queue or spool full).
  void store_dropped(uint64_t n);
  // The observation writer's own counts since it started (store/observation_writer.h), read at
  // each scrape: counters grow by the difference from the last report, gauges are set.
  struct StoreCounts {
    uint64_t written = 0;         // fp_store_observations_written_total
    uint64_t failed_batches = 0;  // fp_store_failed_batches_total (retried)
    uint64_t spooled = 0;         // fp_store_spool_appended_total
    uint64_t replayed = 0;        // fp_store_spool_replayed_total (found on start)
    uint64_t spool_refused = 0;   // fp_store_spool_refused_total (spool full)
    uint64_t overflowed = 0;      // fp_store_spool_overflow_total (kept on disk only)
    uint64_t bad_lines = 0;       // fp_store_spool_bad_lines_total (torn or corrupt, skipped)
    uint64_t lost = 0;            // fp_store_observations_lost_total
    size_t depth = 0;             // fp_store_queue_depth
    uint64_t spool_bytes = 0;     // fp_store_spool_bytes
    bool store_up = true;         // fp_store_up
  };
  void report_store(const StoreCounts& counts);
  // fp_identifications_total{matched_by} and fp_identification_duration_seconds histogram.
  void identification(std::string_view matched_by, double seconds);
  // fp_model_identifications_total{model,role}: role serving (answered) or shadow (compared);
  // model "" (no classifier) is labelled "none".
  void model_identification(std::string_view model, std::string_view role);
  // fp_model_shadow_comparisons_total{model,client}: client "same" or "different" from the
  // serving model's answer.
  void shadow_agreement(std::string_view model, bool same_client);
  // fp_build_info{version,model} = 1 (replaces any earlier info series).
  void set_info(std::string_view version, std::string_view model);

  // Prometheus text exposition format 0.0.4.
  [[nodiscard]] std::string render() const;

 private:
  struct Impl;  // prometheus-cpp types stay in metrics.cc
  std::unique_ptr<Impl> impl_;
};

}  // namespace fp::server
