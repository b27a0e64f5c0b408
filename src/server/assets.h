#pragma once
// Static files served by the service (the "who am I" page and the OpenAPI document). Their bytes
// are compiled in from web/ at build time (cmake/embed.cmake), so a deployed binary needs no
// files beside it and an edit under web/ rebuilds only the generated source.

#include <string_view>

namespace fp::server::assets {

struct Asset {
  std::string_view content_type;  // e.g. "text/html; charset=utf-8"
  std::string_view body;          // the file's bytes, static storage
};

// The asset served at `path` (a request path, no query): "/" -> index.html, "/app.js",
// "/style.css", "/openapi.json" -- every embedded file is "/<file name>", index.html is "/".
// nullptr when no asset has that path. The pointer stays valid for the program's lifetime.
[[nodiscard]] const Asset* find(std::string_view path) noexcept;

}  // namespace fp::server::assets
