#include "server/problem.h"

#include <string>

#include "core/json_writer.h"
#include "core/utf8.h"

namespace fp::server {

Response problem(int status, std::string_view slug, std::string_view title, std::string_view detail,
                 std::string_view field, std::string_view request_id) {
  Response response;
  response.status = status;
  response.content_type = std::string(kProblemContentType);
  JsonWriter json(response.body);
  json.begin_object();
  json.member("type", to_valid_utf8(std::string(kProblemTypeBase) + std::string(slug)));
  json.member("title", to_valid_utf8(title));
  json.member("status", static_cast<uint64_t>(status < 0 ? 0 : status));
  json.member("detail", to_valid_utf8(detail));
  if (!field.empty()) json.member("field", to_valid_utf8(field));
  if (!request_id.empty()) json.member("request_id", to_valid_utf8(request_id));
  json.end_object();
  return response;
}

}  // namespace fp::server
