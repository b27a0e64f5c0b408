#include "server/router.h"

#include <algorithm>

namespace fp::server {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const Route& route, const std::vector<std::string_view>& parts, PathParams& params) {
  if (route.segments.size() != parts.size()) return false;
  params.values.clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& segment = route.segments[i];
    if (is_parameter(segment)) {
      if (parts[i].empty()) return false;
      params.values.emplace_back(segment.substr(1, segment.size() - 2), parts[i]);
    } else if (segment != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view PathParams::get(std::string_view name) const {
  for (const auto& [key, value] : values) {
    if (key == name) return value;
  }
  return {};
}

void Router::add(std::string method, std::string pattern, Access access, Handler handler,
                 size_t max_body_bytes) {
  Route route{std::move(method), std::move(pattern), access,
              max_body_bytes,    std::move(handler), {}};
  for (std::string_view part : split_path(route.pattern)) route.segments.emplace_back(part);
  routes_.push_back(std::move(route));
}

Router::Lookup Router::find(std::string_view method, std::string_view path) const {
  Lookup lookup;
  const std::vector<std::string_view> parts = split_path(path);
  PathParams params;
  for (const Route& route : routes_) {
    if (!matches(route, parts, params)) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      lookup.route = &route;
      lookup.params = std::move(params);
      lookup.allowed.clear();
      return lookup;
    }
    if (std::find(lookup.allowed.begin(), lookup.allowed.end(), route.method) ==
        lookup.allowed.end()) {
      lookup.allowed.push_back(route.method);
    }
  }
  return lookup;
}

}  // namespace fp::server
