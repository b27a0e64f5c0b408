#pragma once
// What every route handler may use: the configuration and the service's shared parts. Owned by
// Service (service.h); handlers get a reference and never own any of it.

#include <memory>
#include <string>
#include <vector>

#include "identify/p0f_db.h"
#include "identify/profile.h"

#include "server/access_log.h"
#include "server/config.h"
#include "server/engine_holder.h"
#include "server/identification.h"
#include "server/lru_cache.h"
#include "server/metrics.h"
#include "server/rate_limit.h"

namespace fp::store {
class Store;
class ObservationWriter;
}  // namespace fp::store

namespace fp::server {

class ClusterEvents;
class ModelRegistry;
class RedisClient;
class SharedIdentityCache;

struct ServiceContext {
  const ServerConfig& config;
  Metrics& metrics;
  AccessLog& log;
  RateLimiter& limiter;
  EngineHolder& engine;
  LruCache<CachedIdentity>& identities;  // observation fields -> identity
  ModelRegistry& models;
  store::Store* store = nullptr;                     // null when observations are not stored
  store::ObservationWriter* writer = nullptr;        // idem
  std::shared_ptr<const identify::P0fDatabase> p0f;  // null when no p0f.fp was found
  std::vector<identify::Profile> seed_profiles;      // the profiles when there is no store
  // Redis (null when redis.url is not set): the client, the shared level of the identity cache,
  // and the profile/model change events between replicas.
  RedisClient* redis = nullptr;
  SharedIdentityCache* shared_identities = nullptr;
  ClusterEvents* cluster = nullptr;
};

}  // namespace fp::server
