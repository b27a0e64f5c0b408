#include "server/redis_identity_cache.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/hash.h"

namespace fp::server {
namespace json = boost::json;
namespace {

std::string string_field(const json::object& object, std::string_view name, bool& ok) {
  const json::value* value = object.if_contains(name);
  if (!value || !value->is_string()) {
    ok = false;
    return {};
  }
  return std::string(value->get_string());
}

double number_field(const json::object& object, std::string_view name, bool& ok) {
  const json::value* value = object.if_contains(name);
  if (!value || !value->is_number()) {
    ok = false;
    return 0;
  }
  return value->to_number<double>();
}

}  // namespace

std::string identity_to_json(const CachedIdentity& c) {
  return json::serialize(json::object{{"identity", c.json},
                                      {"client", c.client},
                                      {"client_version", c.client_version},
                                      {"tls_library", c.tls_library},
                                      {"os", c.os},
                                      {"matched_by", c.matched_by},
                                      {"profile", c.profile},
                                      {"client_confidence", c.client_confidence},
                                      {"quality", c.quality}});
}

std::optional<CachedIdentity> identity_from_json(std::string_view text) noexcept {
  try {
    if (text.size() > kMaxSharedIdentityBytes) return std::nullopt;
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const json::object& o = value.get_object();
    bool ok = true;
    CachedIdentity c;
    c.json = string_field(o, "identity", ok);
    c.client = string_field(o, "client", ok);
    c.client_version = string_field(o, "client_version", ok);
    c.tls_library = string_field(o, "tls_library", ok);
    c.os = string_field(o, "os", ok);
    c.matched_by = string_field(o, "matched_by", ok);
    c.profile = string_field(o, "profile", ok);
    c.client_confidence = number_field(o, "client_confidence", ok);
    c.quality = number_field(o, "quality", ok);
    if (!ok) return std::nullopt;
    return c;
  } catch (...) {  // std::bad_alloc, or a number Boost.JSON cannot convert
    return std::nullopt;
  }
}

std::string SharedIdentityCache::key(uint64_t epoch, std::string_view cache_key) {
  // Hashed: cache keys hold every field identification reads (user agents, long lists).
  return std::string(kIdentityKeyPrefix) + std::to_string(epoch) + ":" + sha256_hex(cache_key);
}

std::optional<CachedIdentity> SharedIdentityCache::get(std::string_view cache_key, uint64_t epoch) {
  auto reply = redis_.command({"GET", key(epoch, cache_key)});
  if (!reply || reply->type != RedisReply::Type::kString) return std::nullopt;
  return identity_from_json(reply->text);
}

void SharedIdentityCache::put(std::string_view cache_key, uint64_t epoch,
                              const CachedIdentity& identity) {
  const std::string ttl = std::to_string(ttl_.count());
  (void)redis_.command({"SET", key(epoch, cache_key), identity_to_json(identity), "EX", ttl});
}

std::optional<uint64_t> SharedIdentityCache::usable_epoch() {
  if (!redis_.up()) return std::nullopt;
  if (auto known = epoch()) return known;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t due = next_refresh_ns_.load();
  const int64_t next = now + std::chrono::nanoseconds(kEpochRetry).count();
  // One caller per interval reads it; the others go on without the shared level meanwhile.
  if (now < due || !next_refresh_ns_.compare_exchange_strong(due, next)) return std::nullopt;
  if (!refresh_epoch()) return std::nullopt;
  return epoch();
}

std::optional<uint64_t> SharedIdentityCache::epoch() const {
  const uint64_t stored = epoch_plus_one_.load(std::memory_order_acquire);
  if (stored == 0) return std::nullopt;
  return stored - 1;
}

void SharedIdentityCache::set_epoch(uint64_t epoch) {
  epoch_plus_one_.store(epoch + 1, std::memory_order_release);
}

void SharedIdentityCache::raise_epoch(uint64_t epoch) {
  uint64_t current = epoch_plus_one_.load(std::memory_order_acquire);
  while (current < epoch + 1 &&
         !epoch_plus_one_.compare_exchange_weak(current, epoch + 1, std::memory_order_acq_rel)) {
  }
}

void SharedIdentityCache::forget_epoch() { epoch_plus_one_.store(0, std::memory_order_release); }

bool SharedIdentityCache::refresh_epoch() {
  auto reply = redis_.command({"GET", kCacheEpochKey});
  if (!reply) {
    forget_epoch();
    return false;
  }
  if (reply->type == RedisReply::Type::kNil) {
    set_epoch(0);
    return true;
  }
  uint64_t epoch = 0;
  const std::string& text = reply->text;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (reply->type != RedisReply::Type::kString || ec != std::errc() ||
      ptr != text.data() + text.size()) {
    forget_epoch();
    return false;
  }
  set_epoch(epoch);
  return true;
}

}  // namespace fp::server
