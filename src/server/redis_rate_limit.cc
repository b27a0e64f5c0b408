#include "server/redis_rate_limit.h"

#include <openssl/evp.h>

#include <charconv>
#include <string>

namespace fp::server {
namespace {

// KEYS[1] the bucket; ARGV[1] rate per second, ARGV[2] burst. Returns {allowed 0|1, tokens}.
// Tokens go back as a string: Redis would truncate a Lua number to an integer.
constexpr std::string_view kTakeScript = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated_us')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = burst
  updated = now
end
if now > updated then
  tokens = tokens + (now - updated) / 1000000 * rate
  updated = now
end
if tokens > burst then tokens = burst end
local allowed = 0
if tokens >= 1 then
  allowed = 1
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updated_us',
           string.format('%.0f', updated))
local ttl = 86400000
if rate > 0 then ttl = math.ceil((burst - tokens) / rate * 1000) + 1 end
if ttl > 86400000 then ttl = 86400000 end
redis.call('PEXPIRE', KEYS[1], ttl)
return {allowed, string.format('%.17g', tokens)}
)lua";

// Redis names a script by the SHA-1 of its text.
std::string sha1_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

const std::string& script_sha() {
  static const std::string sha = sha1_hex(kTakeScript);
  return sha;
}

std::string number(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "0";
}

std::optional<SharedTake> read_result(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() != 2) return std::nullopt;
  const RedisReply& allowed = reply.elements[0];
  const RedisReply& tokens = reply.elements[1];
  if (allowed.type != RedisReply::Type::kInteger || tokens.type != RedisReply::Type::kString) {
    return std::nullopt;
  }
  SharedTake take;
  take.allowed = allowed.integer == 1;
  const char* end = tokens.text.data() + tokens.text.size();
  auto [ptr, ec] = std::from_chars(tokens.text.data(), end, take.tokens);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return take;
}

}  // namespace

std::optional<SharedTake> take_shared_token(RedisClient& redis, std::string_view key,
                                            const TierLimits& tier) {
  const std::string bucket = std::string(kRateLimitKeyPrefix).append(key);
  const std::string rate = number(tier.rate_per_second), burst = number(tier.burst);
  auto reply = redis.command({"EVALSHA", script_sha(), "1", bucket, rate, burst});
  if (reply && reply->is_error("NOSCRIPT")) {
    // A restarted (or flushed) Redis has forgotten the script: load it once, then run it.
    auto loaded = redis.command({"SCRIPT", "LOAD", kTakeScript});
    if (!loaded || loaded->type != RedisReply::Type::kString) return std::nullopt;
    reply = redis.command({"EVALSHA", script_sha(), "1", bucket, rate, burst});
  }
  if (!reply) return std::nullopt;
  return read_result(*reply);
}

}  // namespace fp::server
