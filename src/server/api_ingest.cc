// POST /api/v1/observations: records of `fingerprint analyze` or `fingerprint capture` (NDJSON,
// one record a line), identified unless ?identify=false or the record already has one, and
// stored as observations from "capture". A write route: sensors hold a key that may write.
//
// All or nothing: every line is checked before any is stored, and a bad line is answered with a
// 400 problem naming it (`line`, 1-based), so a sensor can drop or fix that line and resend the
// batch without storing the others twice.
#include <boost/json.hpp>

#include "server/json_body.h"
#include "server/problem.h"
#include "server/routes.h"
#include "store/observation_writer.h"

namespace fp::server {
namespace json = boost::json;
namespace {

constexpr std::string_view kSource = "capture";

bool is_ndjson(std::string_view type) {
  const std::string_view base = type.substr(0, type.find(';'));
  return base == "application/x-ndjson" || base == "application/jsonl";
}

struct Line {
  json::object record;
  size_t number = 0;  // 1-based, blank lines counted
};

// What makes a line a record: an object with the stream's transport (record_json.cc writes it
// for every record read from packets).
std::string record_problem(const json::object& o) {
  const auto* transport = o.if_contains("transport");
  if (!transport || !transport->is_string()) return "not a record: no \"transport\"";
  if (transport->get_string() != "tcp" && transport->get_string() != "udp") {
    return "transport: expected \"tcp\" or \"udp\"";
  }
  return {};
}

Response line_problem(const Request& request, size_t number, const std::string& detail) {
  Response r =
      problem(400, "bad-record", "Bad Request", "line " + std::to_string(number) + ": " + detail,
              "body", request.request_id);
  json::value v = json::parse(r.body);
  v.as_object()["line"] = number;
  r.body = json::serialize(v);
  return r;
}

// Every non-blank line as a record, or the problem of the first bad one.
std::variant<std::vector<Line>, Response> read_lines(ServiceContext& context,
                                                     const Request& request) {
  std::vector<Line> lines;
  std::string_view rest = request.body;
  for (size_t number = 1; !rest.empty(); ++number) {
    const size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view text = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (lines.size() == context.config.max_batch_lines) {
      context.metrics.limit_hit("max_batch_lines");
      return problem(
          413, "batch-too-large", "Content Too Large",
          "a batch holds at most " + std::to_string(context.config.max_batch_lines) + " records",
          {}, request.request_id);
    }
    std::string error;
    auto object = json_object_of(text, error);
    if (object) error = record_problem(*object);
    if (!error.empty()) {
      context.metrics.parse_failure("observations", "bad_record");
      return line_problem(request, number, error);
    }
    lines.push_back({std::move(*object), number});
  }
  if (lines.empty()) {
    return problem(422, "empty-batch", "Unprocessable Content", "the body holds no record", {},
                   request.request_id);
  }
  return lines;
}

Response ingest_route(ServiceContext& context, const Request& request) {
  const auto type = request.header("Content-Type");
  if (!type || !is_ndjson(*type)) {
    return problem(415, "unsupported-media-type", "Unsupported Media Type",
                   "send records as application/x-ndjson: one record a line", "Content-Type",
                   request.request_id);
  }
  const std::string identify_flag = request.query("identify").value_or("true");
  if (identify_flag != "true" && identify_flag != "false") {
    return problem(400, "invalid-parameter", "Bad Request", "identify: expected true or false",
                   "identify", request.request_id);
  }
  if (context.writer == nullptr) {
    return problem(503, "store-disabled", "Service Unavailable",
                   "this service does not store observations (store.observations = false)", {},
                   request.request_id);
  }
  auto parsed = read_lines(context, request);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  auto& lines = std::get<std::vector<Line>>(parsed);
  const auto engine = context.engine.current();
  uint64_t stored = 0, dropped = 0;
  for (Line& line : lines) {
    std::optional<CachedIdentity> identity;
    if (identify_flag == "true" && !line.record.contains("identity")) {
      identity = identify_cached(context, engine->observe(line.record));
      line.record["identity"] = json::parse(identity->json);
    }
    std::string text = json::serialize(line.record);
    const bool ok = context.writer->submit(observation_row(
        line.record, std::move(text), identity ? &*identity : nullptr, kSource, request.peer));
    ++(ok ? stored : dropped);
  }
  if (dropped > 0) context.metrics.store_dropped(dropped);
  Response r;
  r.content_type = "application/json";
  r.body = json::serialize(
      json::object{{"records", lines.size()}, {"stored", stored}, {"dropped", dropped}});
  return r;
}

}  // namespace

void add_ingest_routes(Router& router, ServiceContext& context) {
  router.add("POST", "/api/v1/observations", Access::kWrite,
             [&context](const Request& r, const PathParams&) { return ingest_route(context, r); });
}

}  // namespace fp::server
