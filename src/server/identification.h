#pragma once
// Identification as the service does it: through the LRU cache of identities (keyed by every
// observation field identification reads, so equal inputs get equal answers), counted in
// metrics; and the stored observation of each fingerprinted connection or call.

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

#include "capture/record.h"
#include "engine/engine.h"
#include "identify/observation.h"
#include "store/store.h"

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

// The identity's names as a stored row keeps them, and its JSON.
[[nodiscard]] CachedIdentity summarise_identity(const identify::Identity& identity);

// The stored row of a record: its fingerprints' columns, the identity's names (when given) and
// the record as JSON. Shared by every route that stores and by `fingerprint capture`.
[[nodiscard]] store::ObservationRow observation_row(const capture::StreamRecord& record,
                                                    const CachedIdentity* identity,
                                                    std::string_view source, std::string_view peer);
// The same for a record that arrives as JSON (POST /api/v1/observations): `record_json` is the
// record's text, already checked to be an object, with its identity in it when it has one.
[[nodiscard]] store::ObservationRow observation_row(const boost::json::object& record,
                                                    std::string record_json,
                                                    const CachedIdentity* identity,
                                                    std::string_view source, std::string_view peer);

// Hands the record (with its identity) to the store's writer; counts a full queue.
void record_observation(ServiceContext& context, const capture::StreamRecord& record,
                        const CachedIdentity* identity, std::string_view source,
                        std::string_view peer);

}  // namespace fp::server
