#include "server/identification.h"

#include <boost/json.hpp>

#include <chrono>

#include "capture/record_json.h"
#include "engine/identify_support.h"
#include "server/redis_identity_cache.h"
#include "server/service_context.h"
#include "store/observation_writer.h"
#include "store/store.h"

namespace fp::server {
namespace {

using identify::FingerprintKind;

// Every field identification reads, separated by a byte no fingerprint contains.
std::string cache_key(const identify::Observation& o) {
  std::string key;
  auto add = [&key](std::string_view part) {
    key.append(part);
    key.push_back('\x1f');
  };
  for (const std::string& value : o.values) add(value);
  add(o.ja4_r);
  add(o.ja4_ro);
  add(o.header_order);
  add(o.user_agent);
  add(o.h2_settings);
  add(o.p0f_signature);
  add(o.p0f_os);
  add(o.p0f_flavor);
  key.push_back(static_cast<char>('0' + static_cast<int>(o.p0f_match)));
  for (const auto* list : {&o.ciphers, &o.extensions, &o.groups, &o.sig_algs}) {
    for (uint16_t code : *list) {
      key.push_back(static_cast<char>(code >> 8));
      key.push_back(static_cast<char>(code & 0xff));
    }
    add({});
  }
  return key;
}

}  // namespace

CachedIdentity summarise_identity(const identify::Identity& id) {
  CachedIdentity c;
  c.json = engine::identity_json(id);
  if (id.client) {
    c.client = id.client->name;
    c.client_version = id.client->version;
    c.client_confidence = id.client->confidence;
  }
  if (id.tls_library) c.tls_library = id.tls_library->name;
  if (id.os) c.os = id.os->name;
  c.matched_by = std::string(identify::matched_by_name(id.matched_by));
  c.profile = id.profile;
  c.quality = id.quality;
  return c;
}

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

namespace {

// The shadow model identifies what the serving one just did; only the agreement is kept.
void compare_with_shadow(ServiceContext& context, const ArmEngine& shadow,
                         const identify::Observation& observation, const CachedIdentity& served) {
  const CachedIdentity other = summarise_identity(shadow.engine->identify(observation));
  context.metrics.model_identification(shadow.model, "shadow");
  context.metrics.shadow_agreement(shadow.model, other.client == served.client);
}

}  // namespace

// The local LRU first, then (with Redis) the shared level, then the engine of the rollout arm
// this observation falls in. An answer is cached only while those engines are still current: an
// engine swapped out meanwhile (a profile or model change) must not leave its answers under the
// new engines' keys. The shadow model, if any, runs on every identification computed here (not
// on cache hits: equal inputs, equal answers).
CachedIdentity identify_cached(ServiceContext& context, const identify::Observation& observation) {
  std::string key = cache_key(observation);
  if (auto hit = context.identities.get(key)) {
    context.metrics.cache(true);
    return std::move(*hit);
  }
  context.metrics.cache(false);
  const std::shared_ptr<const EngineRouting> routing = context.engine.routing();
  std::optional<uint64_t> epoch;
  if (context.shared_identities) epoch = context.shared_identities->usable_epoch();
  if (epoch) {
    auto shared = context.shared_identities->get(key, *epoch);
    context.metrics.shared_cache(shared.has_value());
    if (shared) {
      if (context.engine.routing() == routing) context.identities.put(std::move(key), *shared);
      return std::move(*shared);
    }
  }
  const ArmEngine& arm = routing->arm_for(key);
  const auto started = std::chrono::steady_clock::now();
  CachedIdentity identity = summarise_identity(arm.engine->identify(observation));
  context.metrics.identification(
      identity.matched_by.empty() ? "none" : identity.matched_by,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  context.metrics.model_identification(arm.model, "serving");
  if (routing->shadow.engine) compare_with_shadow(context, routing->shadow, observation, identity);
  if (context.engine.routing() != routing) return identity;
  if (epoch) context.shared_identities->put(key, *epoch, identity);
  context.identities.put(std::move(key), identity);
  return identity;
}

namespace {

store::ObservationRow row_with_identity(const CachedIdentity* identity, std::string_view source,
                                        std::string_view peer) {
  store::ObservationRow row;
  row.time_ms = now_ms();
  row.source = source;
  row.peer = peer;
  if (identity) {
    row.client = identity->client;
    row.client_version = identity->client_version;
    row.tls_library = identity->tls_library;
    row.os = identity->os;
  }
  return row;
}

std::string string_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

store::ObservationRow observation_row(const capture::StreamRecord& record,
                                      const CachedIdentity* identity, std::string_view source,
                                      std::string_view peer) {
  store::ObservationRow row = row_with_identity(identity, source, peer);
  if (record.tls) {
    row.ja4 = record.tls->ja4;
    row.ja3n = record.tls->ja3n.hash;
  }
  if (!record.http.empty()) row.ja4h = record.http.front().ja4h;
  if (record.akamai) row.akamai = record.akamai->raw;
  if (record.ja4t) row.ja4t = *record.ja4t;
  row.record = capture::to_json_line(record);
  return row;
}

// The same columns, read from the record's JSON keys (capture/record_json.cc).
store::ObservationRow observation_row(const boost::json::object& record, std::string record_json,
                                      const CachedIdentity* identity, std::string_view source,
                                      std::string_view peer) {
  store::ObservationRow row = row_with_identity(identity, source, peer);
  row.ja4 = string_at(record, "ja4");
  row.ja3n = string_at(record, "ja3n");
  if (const auto* http = record.if_contains("http"); http && http->is_array()) {
    const auto& requests = http->get_array();
    if (!requests.empty() && requests.front().is_object()) {
      row.ja4h = string_at(requests.front().get_object(), "ja4h");
    }
  }
  row.akamai = string_at(record, "akamai_fingerprint");
  row.ja4t = string_at(record, "ja4t");
  row.record = std::move(record_json);
  return row;
}

void record_observation(ServiceContext& context, const capture::StreamRecord& record,
                        const CachedIdentity* identity, std::string_view source,
                        std::string_view peer) {
  if (context.writer == nullptr) return;
  if (!context.writer->submit(observation_row(record, identity, source, peer))) {
    context.metrics.store_dropped(1);
  }
}

}  // namespace fp::server
