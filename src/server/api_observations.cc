// GET /api/v1/observations (what was seen: by fingerprint, client and time, newest first, paged
// by id) and GET /api/v1/stats (top fingerprints and clients, and counts over time).
#include <boost/json.hpp>

#include "engine/profile_json.h"
#include "server/json_body.h"
#include "server/problem.h"
#include "server/query_params.h"
#include "server/routes.h"
#include "store/store.h"

namespace fp::server {
namespace json = boost::json;
namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

Response no_store(const Request& request) {
  return problem(503, "no-store", "Service Unavailable",
                 "observations are kept in the store, which this server runs without", {},
                 request.request_id);
}

json::value text_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::object row_json(const store::ObservationRow& row) {
  boost::system::error_code ec;
  json::value record = json::parse(row.record, ec);
  return {{"id", row.id},
          {"time", engine::rfc3339_utc(row.time_ms)},
          {"source", row.source},
          {"peer", text_or_null(row.peer)},
          {"ja4", text_or_null(row.ja4)},
          {"ja3n", text_or_null(row.ja3n)},
          {"ja4h", text_or_null(row.ja4h)},
          {"akamai", text_or_null(row.akamai)},
          {"ja4t", text_or_null(row.ja4t)},
          {"client", text_or_null(row.client)},
          {"client_version", text_or_null(row.client_version)},
          {"tls_library", text_or_null(row.tls_library)},
          {"os", text_or_null(row.os)},
          {"record", ec ? json::value(nullptr) : record}};
}

template <class T>
T* failed(std::variant<T, Response>& v, Response& out) {
  if (auto* r = std::get_if<Response>(&v)) {
    out = std::move(*r);
    return nullptr;
  }
  return &std::get<T>(v);
}

Response observations(ServiceContext& context, const Request& request) {
  if (!context.store) return no_store(request);
  Response problem_out;
  auto since = time_parameter(request, "since", 0);
  auto until = time_parameter(request, "until", kForever);
  auto limit = count_parameter(request, "limit", 100, store::kMaxObservationsPerQuery);
  auto before = count_parameter(request, "before", 0, static_cast<size_t>(kForever));
  const int64_t* since_ms = failed(since, problem_out);
  if (!since_ms) return problem_out;
  const int64_t* until_ms = failed(until, problem_out);
  if (!until_ms) return problem_out;
  const size_t* limit_n = failed(limit, problem_out);
  if (!limit_n) return problem_out;
  const size_t* before_id = failed(before, problem_out);
  if (!before_id) return problem_out;
  store::ObservationQuery query;
  query.fingerprint = request.query("fingerprint").value_or("");
  query.client = request.query("client").value_or("");
  query.since_ms = *since_ms;
  query.until_ms = *until_ms;
  query.limit = std::max<size_t>(1, *limit_n);
  query.before_id = static_cast<int64_t>(*before_id);
  const std::vector<store::ObservationRow> rows = context.store->observations(query);
  json::array list;
  for (const store::ObservationRow& row : rows) list.push_back(row_json(row));
  const bool more = rows.size() == query.limit && !rows.empty();
  return json_response(
      {{"observations", list}, {"next_before", more ? json::value(rows.back().id) : nullptr}});
}

Response stats(ServiceContext& context, const Request& request) {
  if (!context.store) return no_store(request);
  Response problem_out;
  auto since = time_parameter(request, "since", 0);
  auto until = time_parameter(request, "until", kForever);
  auto bucket = count_parameter(request, "bucket", 3600, store::kMaxBucketMs / 1000);
  auto top = count_parameter(request, "top", 10, store::kMaxStatsTop);
  const int64_t* since_ms = failed(since, problem_out);
  if (!since_ms) return problem_out;
  const int64_t* until_ms = failed(until, problem_out);
  if (!until_ms) return problem_out;
  const size_t* bucket_s = failed(bucket, problem_out);
  if (!bucket_s) return problem_out;
  const size_t* top_n = failed(top, problem_out);
  if (!top_n) return problem_out;
  store::StatsQuery query;
  query.since_ms = *since_ms;
  query.until_ms = *until_ms;
  query.bucket_ms = std::max<int64_t>(store::kMinBucketMs, static_cast<int64_t>(*bucket_s) * 1000);
  query.top = *top_n;
  const store::Stats s = context.store->stats(query);
  json::array fingerprints, clients, series;
  for (const store::Counted& c : s.top_fingerprints) {
    fingerprints.push_back({{"kind", c.kind}, {"value", c.value}, {"count", c.count}});
  }
  for (const store::Counted& c : s.top_clients) {
    clients.push_back({{"name", c.value}, {"count", c.count}});
  }
  for (const auto& [start, count] : s.series) {
    series.push_back({{"start", engine::rfc3339_utc(start)}, {"count", count}});
  }
  return json_response({{"total", s.total},
                        {"top_fingerprints", fingerprints},
                        {"top_clients", clients},
                        {"series", series}});
}

}  // namespace

void add_observation_routes(Router& router, ServiceContext& context) {
  router.add("GET", "/api/v1/observations", Access::kRead,
             [&context](const Request& r, const PathParams&) { return observations(context, r); });
  router.add("GET", "/api/v1/stats", Access::kRead,
             [&context](const Request& r, const PathParams&) { return stats(context, r); });
}

}  // namespace fp::server
