#pragma once
// The service's own request and response: one shape for the API listener (Beast) and the
// fingerprinting listener (raw HTTP/1 and nghttp2), so handlers never see a transport.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fp::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;  // as received, in order

struct Request {
  std::string method;  // "GET", "POST" ...
  std::string target;  // path and query, as sent
  std::string path;    // percent-decoded path, no query
  HeaderList headers;
  std::string body;
  std::string peer;        // client address, "127.0.0.1" or "::1"
  std::string request_id;  // X-Request-Id (the client's when well-formed, else ours)

  // The first header of that name (case-insensitive), or nullopt.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  // The first query parameter of that name, percent-decoded, or nullopt.
  [[nodiscard]] std::optional<std::string> query(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;  // extra headers (Retry-After, RateLimit-*, Location ...)

  void set_header(std::string name, std::string value);
};

}  // namespace fp::server
