#pragma once
// Request ids (X-Request-Id) and W3C Trace Context trace ids, for logs and problem bodies.

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

}  // namespace fp::server
