#pragma once
// Request ids (X-Request-Id) and W3C Trace Context trace ids, for logs and problem bodies.

#include <optional>
#include <string>
#include <string_view>

namespace fp::server {

inline constexpr size_t kMaxRequestIdLength = 64;

// 16 random bytes as 32 lower-case hex digits. Fast: a per-thread generator seeded once from
// std::random_device. Unique enough to correlate logs; not a secret.
[[nodiscard]] std::string new_request_id();

// Whether a client's X-Request-Id may be echoed and logged as is: 1..64 characters of
// [A-Za-z0-9._-] (nothing that could split a header or a log line).
[[nodiscard]] bool usable_request_id(std::string_view id);

// The trace id (32 lower-case hex digits) of a W3C traceparent header
// "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>" (Trace Context, section 3.2);
// nullopt when malformed, when version is ff, or when either id is all zeros. Later versions
// may append "-..." fields, which are accepted and ignored (section 3.2.4).
[[nodiscard]] std::optional<std::string> trace_id_of(std::string_view traceparent);

}  // namespace fp::server
