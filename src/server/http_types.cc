#include "server/http_types.h"

#include <strings.h>
#include <boost/url/parse.hpp>

namespace fp::server {

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::query(std::string_view name) const {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  for (const auto& param : url->params()) {
    if (param.key == name) return std::string(param.has_value ? param.value : "");
  }
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [key, old] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) {
      old = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace fp::server
