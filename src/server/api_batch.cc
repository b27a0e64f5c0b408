// POST /api/v1/batch: NDJSON in, NDJSON out, one answer line per request line and in order; a
// line that fails is answered by its problem object, the others go on.
#include <boost/json.hpp>

#include "server/fingerprint_requests.h"
#include "server/json_body.h"
#include "server/problem.h"
#include "server/service_context.h"

namespace fp::server {
namespace json = boost::json;
namespace {

bool is_ndjson(std::string_view type) {
  const std::string_view base = type.substr(0, type.find(';'));
  return base == "application/x-ndjson" || base == "application/jsonl" ||
         base == "application/json-lines" || base == "text/plain";
}

// A problem line carries the 1-based input line it answers.
std::string problem_line(Response problem_response, size_t line) {
  json::value v = json::parse(problem_response.body);
  v.as_object()["line"] = line;
  return json::serialize(v);
}

std::string answer_line(ServiceContext& context, const Request& request, std::string_view text,
                        size_t line) {
  std::string error;
  auto object = json_object_of(text, error);
  if (!object) {
    return problem_line(
        problem(400, "malformed-json", "Bad Request", error, {}, request.request_id), line);
  }
  Response r;
  if (has_raw_input(*object)) {
    auto parsed = read_fingerprint_request(*object, request);
    r = std::holds_alternative<Response>(parsed)
            ? std::get<Response>(std::move(parsed))
            : fingerprint_response(context, std::get<FingerprintRequest>(parsed), request, "api");
  } else {
    auto parsed = read_identify_request(*object, request);
    r = std::holds_alternative<Response>(parsed)
            ? std::get<Response>(std::move(parsed))
            : identify_response(context, std::get<engine::FingerprintStrings>(parsed));
  }
  return r.status == 200 ? std::move(r.body) : problem_line(std::move(r), line);
}

}  // namespace

Response batch_route(ServiceContext& context, const Request& request) {
  const auto type = request.header("Content-Type");
  if (!type || !is_ndjson(*type)) {
    return problem(415, "unsupported-media-type", "Unsupported Media Type",
                   "send the body as application/x-ndjson: one JSON request object a line",
                   "Content-Type", request.request_id);
  }
  // Each request line with its 1-based line number in the body (blank lines are skipped but
  // counted, so a problem names the line the caller sees in the file).
  std::vector<std::pair<std::string_view, size_t>> lines;
  std::string_view rest = request.body;
  for (size_t number = 1; !rest.empty(); ++number) {
    const size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    lines.emplace_back(line, number);
  }
  if (lines.size() > context.config.max_batch_lines) {
    context.metrics.limit_hit("max_batch_lines");
    return problem(413, "batch-too-large", "Content Too Large",
                   std::to_string(lines.size()) + " lines; a batch holds at most " +
                       std::to_string(context.config.max_batch_lines),
                   {}, request.request_id);
  }
  if (lines.empty()) {
    return problem(422, "empty-batch", "Unprocessable Content", "the batch holds no request line",
                   {}, request.request_id);
  }
  Response r;
  r.content_type = "application/x-ndjson";
  for (const auto& [line, number] : lines) {
    r.body += answer_line(context, request, line, number);
    r.body += '\n';
  }
  return r;
}

}  // namespace fp::server
