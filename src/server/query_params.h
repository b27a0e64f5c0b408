#pragma once
// Query parameters of the read routes, checked: a problem response names the parameter.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "server/http_types.h"

namespace fp::server {

// A non-negative integer, `fallback` when absent; 400 beyond `most`.
[[nodiscard]] std::variant<size_t, Response> count_parameter(const Request& request,
                                                             std::string_view name, size_t fallback,
                                                             size_t most);
// A time as RFC 3339 ("2026-11-29T10:00:00Z", fractions and offsets allowed) or Unix
// milliseconds, as Unix ms; `fallback` when absent.
[[nodiscard]] std::variant<int64_t, Response> time_parameter(const Request& request,
                                                             std::string_view name,
                                                             int64_t fallback);

}  // namespace fp::server
