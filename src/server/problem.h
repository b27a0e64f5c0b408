#pragma once
// RFC 9457 problem details, the body of every error the API returns:
//   {"type":"https://fingerprint-api.dev/problems/<slug>","title":...,"status":...,"detail":...,
//    "field":... (only when given),"request_id":... (only when given)}
// served as application/problem+json. Every string is made valid UTF-8 and JSON-escaped, so
// `detail` may quote client text.

#include <string_view>

#include "server/http_types.h"

namespace fp::server {

inline constexpr std::string_view kProblemTypeBase = "https://fingerprint-api.dev/problems/";
inline constexpr std::string_view kProblemContentType = "application/problem+json";

[[nodiscard]] Response problem(int status, std::string_view slug, std::string_view title,
                               std::string_view detail, std::string_view field = {},
                               std::string_view request_id = {});

}  // namespace fp::server
