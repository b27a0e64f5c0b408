#pragma once
// Identification as the service does it: through the LRU cache of identities (keyed by every
// observation field identification reads, so equal inputs get equal answers), counted in
// metrics; and the stored observation of each fingerprinted connection or call.

#include <string>
#include <string_view>

#include "capture/record.h"
#include "engine/engine.h"
#include "identify/observation.h"

namespace fp::server {

struct ServiceContext;

struct CachedIdentity {
  std::string json;  // the identity object (engine/identify_support.h identity_json)
  std::string client, client_version, tls_library, os, matched_by;
  std::string profile;
  double client_confidence = 0, quality = 0;
};

// The identity of `observation` from the cache, or computed by the engine of the model
// rollout's arm it falls in (server/engine_holder.h) and cached.
[[nodiscard]] CachedIdentity identify_cached(ServiceContext& context,
                                             const identify::Observation& observation);

// Hands the record (with its identity) to the store's writer; counts a full queue.
void record_observation(ServiceContext& context, const capture::StreamRecord& record,
                        const CachedIdentity* identity, std::string_view source,
                        std::string_view peer);

}  // namespace fp::server
