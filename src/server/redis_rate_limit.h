#pragma once
// A token bucket kept in Redis, so that every replica draws from the same bucket. One Lua script
// (EVALSHA, loaded with SCRIPT LOAD when the server answers NOSCRIPT) refills, takes a token and
// stores the bucket atomically, with Redis's own clock (TIME): replicas' clocks never meet.
// The bucket is a hash at `fp:rl:<key>` {tokens, updated_us} whose PEXPIRE is the time it takes
// to refill: an idle bucket vanishes exactly when it would be full again.

#include <optional>
#include <string_view>

#include "server/config.h"
#include "server/redis_client.h"

namespace fp::server {

inline constexpr std::string_view kRateLimitKeyPrefix = "fp:rl:";

struct SharedTake {
  bool allowed = false;
  double tokens = 0;  // left after this request
};

// nullopt when Redis is down, busy, or answered something else than the script's reply (the
// caller then limits locally).
[[nodiscard]] std::optional<SharedTake> take_shared_token(RedisClient& redis, std::string_view key,
                                                          const TierLimits& tier);

}  // namespace fp::server
