#include "server/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <initializer_list>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/utf8.h"

namespace fp::server {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// 10 µs (a cached identification) to 10 s (a large pcap upload), about three per decade.
const Histogram::BucketBoundaries& latency_buckets() {
  static const Histogram::BucketBoundaries buckets = {
      0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,   0.05,     0.1,     0.25,   0.5,     1,      2.5,   5,      10};
  return buckets;
}

std::string bounded_label(std::string_view value) {
  return to_valid_utf8(value.substr(0, Metrics::kMaxLabelValue));
}

// Methods outside RFC 9110's list would each make a series of their own.
std::string_view method_label(std::string_view method) {
  for (std::string_view known :
       {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
    if (method == known) return known;
  }
  return "OTHER";
}

std::string status_label(int status) {
  return status >= 100 && status <= 599 ? std::to_string(status) : "other";
}

// One family and the series made in it so far. Family::Add hashes a label map under the
// family's lock; here a label set costs one lookup in a flat string key after its first use.
template <class T>
class Series {
 public:
  Series(Family<T>& family, std::vector<std::string> label_names)
      : family_(family), label_names_(std::move(label_names)) {}

  // `extra` goes to T's constructor (a histogram's buckets).
  template <class... Extra>
  T& at(std::initializer_list<std::string_view> values, const Extra&... extra) {
    std::string key;
    for (std::string_view value : values) {
      key += bounded_label(value);
      key += '\x1f';
    }
    std::lock_guard lock(mutex_);
    if (auto found = cache_.find(key); found != cache_.end()) return *found->second;
    const bool full = cache_.size() >= Metrics::kMaxSeriesPerFamily;
    prometheus::Labels labels;
    auto value = values.begin();
    for (const auto& name : label_names_) {
      labels.emplace(name, full ? std::string("other") : bounded_label(*value++));
    }
    T& metric = family_.Add(labels, extra...);
    if (!full) cache_.emplace(std::move(key), &metric);
    return metric;
  }

 private:
  Family<T>& family_;
  const std::vector<std::string> label_names_;
  std::mutex mutex_;
  std::unordered_map<std::string, T*> cache_;
};

Counter& single_counter(prometheus::Registry& registry, const std::string& name,
                        const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();

  Family<Counter>& counters(const std::string& name, const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(*registry);
  }
  Family<Gauge>& gauges(const std::string& name, const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(*registry);
  }
  Family<Histogram>& histograms(const std::string& name, const std::string& help) {
    return prometheus::BuildHistogram().Name(name).Help(help).Register(*registry);
  }

  Series<Counter> requests{counters("fp_http_requests_total", "API requests answered"),
                           {"route", "method", "status"}};
  Series<Histogram> request_seconds{
      histograms("fp_http_request_duration_seconds", "Time to answer an API request"), {"route"}};
  Series<Counter> handshakes{
      counters("fp_tls_handshakes_total", "TLS handshakes on the fingerprinting listener"),
      {"result", "alpn"}};
  Series<Counter> parse_failures{
      counters("fp_parse_failures_total", "Client messages that could not be parsed"),
      {"layer", "reason"}};
  Counter& cache_hits = single_counter(*registry, "fp_identity_cache_hits_total",
                                       "Identifications answered from the cache");
  Counter& cache_misses = single_counter(*registry, "fp_identity_cache_misses_total",
                                         "Identifications not in the cache");
  Series<Counter> cache_lookups{
      counters("fp_identity_cache_lookups_total", "Identity cache lookups by level and result"),
      {"level", "result"}};
  // Exported only once set: a service without Redis has no such series (rather than a 0 that
  // would read as "down").
  Family<Gauge>& redis_up_family =
      gauges("fp_redis_up", "1 when Redis answers; 0 means local rate limits and cache");
  std::once_flag redis_up_once;
  Gauge* redis_up = nullptr;
  Counter& rate_limit_fallbacks =
      single_counter(*registry, "fp_rate_limit_fallback_total",
                     "Requests rate-limited locally because Redis could not be reached");
  Series<Counter> cluster_events{
      counters("fp_cluster_events_total", "Profile and model change events between replicas"),
      {"direction", "kind"}};
  Series<Counter> rate_limited{
      counters("fp_rate_limited_total", "Requests refused by a rate limit"), {"scope"}};
  Series<Counter> limits_hit{
      counters("fp_limits_hit_total", "Requests or connections stopped by a configured limit"),
      {"limit"}};
  Series<Gauge> open_connections{gauges("fp_open_connections", "Connections open now"),
                                 {"listener"}};
  Series<Counter> connections{counters("fp_connections_total", "Connections accepted"),
                              {"listener"}};
  Gauge& store_queue_depth =
      gauges("fp_store_queue_depth", "Observations waiting to be stored").Add({});
  Counter& store_written = single_counter(*registry, "fp_store_observations_written_total",
                                          "Observations written to the store");
  Counter& store_failed_batches =
      single_counter(*registry, "fp_store_failed_batches_total",
                     "Observation batches the store refused (retried; rows stay queued)");
  Counter& spool_appended = single_counter(*registry, "fp_store_spool_appended_total",
                                           "Observations written to the local spool");
  Counter& spool_replayed =
      single_counter(*registry, "fp_store_spool_replayed_total",
                     "Observations found in the spool on start (a previous run's)");
  Counter& spool_refused = single_counter(*registry, "fp_store_spool_refused_total",
                                          "Observations refused because the spool was full");
  Counter& spool_overflow =
      single_counter(*registry, "fp_store_spool_overflow_total",
                     "Observations kept only on disk because the memory queue was full");
  Counter& spool_bad_lines = single_counter(*registry, "fp_store_spool_bad_lines_total",
                                            "Torn or corrupt spool lines skipped");
  Counter& store_lost = single_counter(*registry, "fp_store_observations_lost_total",
                                       "Observations neither stored nor kept in the spool");
  Gauge& spool_bytes = gauges("fp_store_spool_bytes", "Bytes in the local spool").Add({});
  Gauge& store_up = gauges("fp_store_up", "1 when the store answers").Add({});
  std::mutex store_mutex;
  Metrics::StoreCounts store_reported;
  Counter& store_dropped = single_counter(*registry, "fp_store_observations_dropped_total",
                                          "Observations dropped because the store queue was full");
  Series<Counter> identifications{counters("fp_identifications_total", "Identifications made"),
                                  {"matched_by"}};
  Histogram& identification_seconds =
      histograms("fp_identification_duration_seconds", "Time to identify one client")
          .Add({}, latency_buckets());
  Series<Counter> model_identifications{
      counters("fp_model_identifications_total",
               "Identifications computed per model: serving (answered) or shadow (compared)"),
      {"model", "role"}};
  Series<Counter> shadow_comparisons{
      counters("fp_model_shadow_comparisons_total",
               "Shadow model answers compared with the serving model's: same or different client"),
      {"model", "client"}};
  Family<Gauge>& info = gauges("fp_build_info", "Version of the service and of its model");
  std::mutex info_mutex;
  Gauge* info_series = nullptr;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::request(std::string_view route, std::string_view method, int status, double seconds) {
  impl_->requests.at({route, method_label(method), status_label(status)}).Increment();
  impl_->request_seconds.at({route}, latency_buckets()).Observe(seconds);
}

void Metrics::handshake(std::string_view result, std::string_view alpn) {
  impl_->handshakes.at({result, alpn.empty() ? std::string_view("none") : alpn}).Increment();
}

void Metrics::parse_failure(std::string_view layer, std::string_view reason) {
  impl_->parse_failures.at({layer, reason}).Increment();
}

void Metrics::cache(bool hit) {
  (hit ? impl_->cache_hits : impl_->cache_misses).Increment();
  impl_->cache_lookups.at({"local", hit ? "hit" : "miss"}).Increment();
}

void Metrics::shared_cache(bool hit) {
  impl_->cache_lookups.at({"shared", hit ? "hit" : "miss"}).Increment();
}

void Metrics::set_redis_up(bool up) {
  std::call_once(impl_->redis_up_once,
                 [this] { impl_->redis_up = &impl_->redis_up_family.Add({}); });
  impl_->redis_up->Set(up ? 1 : 0);
}

void Metrics::rate_limit_fallback() { impl_->rate_limit_fallbacks.Increment(); }

void Metrics::cluster_event(std::string_view direction, std::string_view kind) {
  impl_->cluster_events.at({direction, kind}).Increment();
}

void Metrics::rate_limited(std::string_view scope) { impl_->rate_limited.at({scope}).Increment(); }

void Metrics::limit_hit(std::string_view limit) { impl_->limits_hit.at({limit}).Increment(); }

void Metrics::connection_opened(std::string_view listener) {
  impl_->open_connections.at({listener}).Increment();
  impl_->connections.at({listener}).Increment();
}

void Metrics::connection_closed(std::string_view listener) {
  impl_->open_connections.at({listener}).Decrement();
}

void Metrics::set_store_queue_depth(size_t n) {
  impl_->store_queue_depth.Set(static_cast<double>(n));
}

void Metrics::report_store(const StoreCounts& now) {
  std::lock_guard lock(impl_->store_mutex);
  StoreCounts& last = impl_->store_reported;
  auto grow = [](Counter& counter, uint64_t current, uint64_t& reported) {
    if (current > reported) counter.Increment(static_cast<double>(current - reported));
    reported = std::max(reported, current);
  };
  grow(impl_->store_written, now.written, last.written);
  grow(impl_->store_failed_batches, now.failed_batches, last.failed_batches);
  grow(impl_->spool_appended, now.spooled, last.spooled);
  grow(impl_->spool_replayed, now.replayed, last.replayed);
  grow(impl_->spool_refused, now.spool_refused, last.spool_refused);
  grow(impl_->spool_overflow, now.overflowed, last.overflowed);
  grow(impl_->spool_bad_lines, now.bad_lines, last.bad_lines);
  grow(impl_->store_lost, now.lost, last.lost);
  impl_->store_queue_depth.Set(static_cast<double>(now.depth));
  impl_->spool_bytes.Set(static_cast<double>(now.spool_bytes));
  impl_->store_up.Set(now.store_up ? 1 : 0);
}

void Metrics::store_dropped(uint64_t n) { impl_->store_dropped.Increment(static_cast<double>(n)); }

void Metrics::identification(std::string_view matched_by, double seconds) {
  impl_->identifications.at({matched_by}).Increment();
  impl_->identification_seconds.Observe(seconds);
}

void Metrics::model_identification(std::string_view model, std::string_view role) {
  impl_->model_identifications.at({model.empty() ? std::string_view("none") : model, role})
      .Increment();
}

void Metrics::shadow_agreement(std::string_view model, bool same_client) {
  impl_->shadow_comparisons.at({model, same_client ? "same" : "different"}).Increment();
}

void Metrics::set_info(std::string_view version, std::string_view model) {
  std::lock_guard lock(impl_->info_mutex);
  if (impl_->info_series) impl_->info.Remove(impl_->info_series);
  impl_->info_series =
      &impl_->info.Add({{"version", bounded_label(version)}, {"model", bounded_label(model)}});
  impl_->info_series->Set(1);
}

std::string Metrics::render() const {
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace fp::server
