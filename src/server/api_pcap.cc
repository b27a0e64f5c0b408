// POST /api/v1/pcap: a capture file in, `fingerprint analyze`'s records out (NDJSON), identified
// unless ?identify=false, and stored as observations from "pcap".
#include "capture/analyzer.h"
#include "capture/pcap_reader.h"
#include "capture/record_json.h"
#include "server/identification.h"
#include "server/problem.h"
#include "server/routes.h"

namespace fp::server {
namespace {

// Records answered for one upload: beyond, the answer says it was cut (X-Records-Truncated).
constexpr size_t kMaxPcapRecords = 100000;

bool is_capture_type(std::string_view type) {
  const std::string_view base = type.substr(0, type.find(';'));
  return base == "application/vnd.tcpdump.pcap" || base == "application/octet-stream" ||
         base == "application/x-pcapng" || base == "application/pcap";
}

Response pcap_route(ServiceContext& context, const Request& request) {
  const auto type = request.header("Content-Type");
  if (!type || !is_capture_type(*type)) {
    return problem(415, "unsupported-media-type", "Unsupported Media Type",
                   "send the capture as application/vnd.tcpdump.pcap or application/octet-stream",
                   "Content-Type", request.request_id);
  }
  const std::string identify_flag = request.query("identify").value_or("true");
  if (identify_flag != "true" && identify_flag != "false") {
    return problem(400, "invalid-parameter", "Bad Request", "identify: expected true or false",
                   "identify", request.request_id);
  }
  std::string error;
  auto reader = capture::PcapReader::open_memory(request.body, error);
  if (!reader) {
    context.metrics.parse_failure("pcap", "not_a_capture");
    return problem(422, "not-a-capture", "Unprocessable Content",
                   "the body is not a pcap or pcapng file: " + error, "body", request.request_id);
  }
  const auto engine = context.engine.current();
  Response r;
  r.content_type = "application/x-ndjson";
  size_t records = 0;
  bool truncated = false;
  capture::Analyzer analyzer([&](capture::StreamRecord&& record) {
    if (!record.has_fingerprint()) return;
    if (records == kMaxPcapRecords) {
      truncated = true;
      return;
    }
    ++records;
    std::optional<CachedIdentity> identity;
    if (identify_flag == "true") {
      identity = identify_cached(context, engine->observe(record));
      record.identity = identity->json;
    }
    record_observation(context, record, identity ? &*identity : nullptr, "pcap", request.peer);
    r.body += capture::to_json_line(record);
    r.body += '\n';
  });
  while (auto frame = reader->next()) analyzer.add_frame(*frame);
  analyzer.finish();
  if (!reader->error().empty()) r.set_header("X-Capture-Error", reader->error());
  if (truncated) {
    context.metrics.limit_hit("max_pcap_records");
    r.set_header("X-Records-Truncated", std::to_string(kMaxPcapRecords));
  }
  return r;
}

}  // namespace

void add_pcap_routes(Router& router, ServiceContext& context) {
  router.add(
      "POST", "/api/v1/pcap", Access::kRead,
      [&context](const Request& r, const PathParams&) { return pcap_route(context, r); },
      context.config.max_pcap_bytes);
}

}  // namespace fp::server
