#pragma once
// An HTTP request as fingerprints see it: method, version and the header list in wire order,
// names with the case the client sent. HTTP/2 requests carry their pseudo-headers (":method",
// ":authority" ...) at the front of `headers`, in the order sent.

#include <string>
#include <vector>

namespace fp::http {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

struct HttpRequest {
  std::string method;   // "GET"
  std::string target;   // "/index.html"
  std::string version;  // "HTTP/1.1", "HTTP/1.0", "HTTP/2"
  std::vector<Header> headers;
};

}  // namespace fp::http
