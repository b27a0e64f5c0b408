#include "server/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fp::server {
namespace {

using ::testing::Contains;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Metrics, RequestsCountedByRoutePatternMethodAndStatus) {
  Metrics metrics;
  metrics.request("/healthz", "GET", 200, 0.5);
  metrics.request("/healthz", "GET", 200, 0.25);
  metrics.request("/api/v1/identify/{id}", "POST", 429, 0.00002);
  const auto lines = lines_of(metrics.render());
  EXPECT_THAT(lines, Contains("# TYPE fp_http_requests_total counter"));
  EXPECT_THAT(
      lines,
      Contains("fp_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"));
  EXPECT_THAT(lines, Contains("fp_http_requests_total{method=\"POST\",route=\"/api/v1/identify/"
                              "{id}\",status=\"429\"} 1"));
  EXPECT_THAT(lines, Contains("# TYPE fp_http_request_duration_seconds histogram"));
  EXPECT_THAT(lines, Contains("fp_http_request_duration_seconds_count{route=\"/healthz\"} 2"));
  EXPECT_THAT(lines, Contains("fp_http_request_duration_seconds_sum{route=\"/healthz\"} 0.75"));
  // 0.25 and 0.5 both fall in le=0.5 (buckets are inclusive); neither in le=0.1.
  EXPECT_THAT(lines,
              Contains("fp_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.1\"} 0"));
  EXPECT_THAT(
      lines, Contains("fp_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.25\"} 1"));
  EXPECT_THAT(lines,
              Contains("fp_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.5\"} 2"));
  EXPECT_THAT(
      lines, Contains("fp_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 2"));
  // 20 µs lies between the 10 µs and 25 µs bounds.
  EXPECT_THAT(lines, Contains("fp_http_request_duration_seconds_bucket{route=\"/api/v1/identify/"
                              "{id}\",le=\"1e-05\"} 0"));
  EXPECT_THAT(lines, Contains("fp_http_request_duration_seconds_bucket{route=\"/api/v1/identify/"
                              "{id}\",le=\"2.5e-05\"} 1"));
}

TEST(Metrics, UnknownMethodsFoldIntoOther) {
  Metrics metrics;
  metrics.request("/", "BREW", 405, 0.001);
  metrics.request("/", "PROPFIND", 405, 0.001);
  EXPECT_THAT(lines_of(metrics.render()),
              Contains("fp_http_requests_total{method=\"OTHER\",route=\"/\",status=\"405\"} 2"));
}

TEST(Metrics, EveryFamilyRendersItsSeries) {
  Metrics metrics;
  metrics.handshake("ok", "h2");
  metrics.handshake("ok", "h2");
  metrics.handshake("timeout", "");
  metrics.parse_failure("tls", "truncated");
  metrics.cache(true);
  metrics.cache(true);
  metrics.cache(true);
  metrics.cache(false);
  metrics.rate_limited("key");
  metrics.limit_hit("max_body_bytes");
  metrics.connection_opened("tls");
  metrics.connection_opened("tls");
  metrics.connection_opened("api");
  metrics.connection_closed("tls");
  // The writer's counts are cumulative: the counters take the difference at each report.
  metrics.report_store({.written = 40, .failed_batches = 2, .spooled = 45, .depth = 5});
  metrics.report_store({.written = 42,
                        .failed_batches = 2,
                        .spooled = 60,
                        .replayed = 7,
                        .bad_lines = 1,
                        .depth = 17,
                        .spool_bytes = 4096,
                        .store_up = false});
  metrics.store_dropped(3);
  metrics.identification("exact", 0.0001);
  metrics.set_info("0.1.0", "m1");
  metrics.set_info("0.1.0", "m2");  // replaces the first
  const auto lines = lines_of(metrics.render());
  for (const char* expected : {
           "fp_tls_handshakes_total{alpn=\"h2\",result=\"ok\"} 2",
           "fp_tls_handshakes_total{alpn=\"none\",result=\"timeout\"} 1",
           "fp_parse_failures_total{layer=\"tls\",reason=\"truncated\"} 1",
           "fp_identity_cache_hits_total 3",
           "fp_identity_cache_misses_total 1",
           "fp_rate_limited_total{scope=\"key\"} 1",
           "fp_limits_hit_total{limit=\"max_body_bytes\"} 1",
           "# TYPE fp_open_connections gauge",
           "fp_open_connections{listener=\"tls\"} 1",
           "fp_open_connections{listener=\"api\"} 1",
           "fp_connections_total{listener=\"tls\"} 2",
           "fp_connections_total{listener=\"api\"} 1",
           "fp_store_queue_depth 17",
           "fp_store_observations_written_total 42",
           "fp_store_observations_dropped_total 3",
           "fp_store_failed_batches_total 2",
           "fp_store_spool_appended_total 60",
           "fp_store_spool_replayed_total 7",
           "fp_store_spool_bad_lines_total 1",
           "fp_store_observations_lost_total 0",
           "fp_store_spool_bytes 4096",
           "fp_store_up 0",
           "fp_identifications_total{matched_by=\"exact\"} 1",
           "fp_identification_duration_seconds_count 1",
           "fp_identification_duration_seconds_bucket{le=\"0.0001\"} 1",
           "fp_identification_duration_seconds_bucket{le=\"5e-05\"} 0",
           "fp_build_info{model=\"m2\",version=\"0.1.0\"} 1",
       }) {
    EXPECT_THAT(lines, Contains(expected));
  }
  EXPECT_THAT(lines, Not(Contains("fp_build_info{model=\"m1\",version=\"0.1.0\"} 1")));
}

TEST(Metrics, LabelValuesAreEscapedAndBounded) {
  Metrics metrics;
  metrics.limit_hit("a\"b\\c\nd");
  metrics.rate_limited(std::string(200, 'x'));
  metrics.parse_failure("http", "bad\xff");
  const auto lines = lines_of(metrics.render());
  EXPECT_THAT(lines, Contains("fp_limits_hit_total{limit=\"a\\\"b\\\\c\\nd\"} 1"));
  EXPECT_THAT(lines, Contains("fp_rate_limited_total{scope=\"" + std::string(64, 'x') + "\"} 1"));
  EXPECT_THAT(lines,
              Contains("fp_parse_failures_total{layer=\"http\",reason=\"bad\xEF\xBF\xBD\"} 1"));
}

TEST(Metrics, SeriesPerFamilyAreCapped) {
  Metrics metrics;
  const size_t extra = 5;
  for (size_t i = 0; i < Metrics::kMaxSeriesPerFamily + extra; ++i) {
    metrics.limit_hit("limit" + std::to_string(i));
  }
  size_t series = 0;
  for (const auto& line : lines_of(metrics.render())) {
    if (line.rfind("fp_limits_hit_total{", 0) == 0) ++series;
  }
  EXPECT_EQ(series, Metrics::kMaxSeriesPerFamily + 1);  // plus the "other" series
  EXPECT_THAT(lines_of(metrics.render()), Contains("fp_limits_hit_total{limit=\"other\"} 5"));
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 2500; ++i) {
        metrics.request(i % 2 ? "/a" : "/b", "GET", 200, 0.001);
        metrics.connection_opened(t % 2 ? "api" : "tls");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = lines_of(metrics.render());
  EXPECT_THAT(lines,
              Contains("fp_http_requests_total{method=\"GET\",route=\"/a\",status=\"200\"} 5000"));
  EXPECT_THAT(lines,
              Contains("fp_http_requests_total{method=\"GET\",route=\"/b\",status=\"200\"} 5000"));
  EXPECT_THAT(lines, Contains("fp_connections_total{listener=\"api\"} 5000"));
}

}  // namespace
}  // namespace fp::server
