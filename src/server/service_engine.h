#pragma once
// Building the identification engine from the service's current state: the store's profiles
// (or the seed profiles when nothing is stored), the active model, the p0f database.

#include <string>
#include <string_view>

#include "server/service_context.h"

namespace fp::server {

// Builds and swaps in a new engine. False and `error` when the active model cannot be loaded
// (the engine is then built without one, and the error says so).
bool rebuild_engine(ServiceContext& context, std::string& error);

// Makes `id` the active model and rebuilds; false and `error` (the previous model stays) when
// it does not load.
bool activate_model(ServiceContext& context, const std::string& id, std::string& error);

// Tells the other replicas that the profiles ("profiles") or the active model ("model", `model`
// its id) changed; they rebuild as on_cluster_event() says. Nothing without Redis; a failure is
// logged and the event is published when Redis answers again (cluster_events.h).
void announce_change(ServiceContext& context, std::string_view kind, std::string_view model = {});

struct ClusterEvent;
// A change announced by any replica, this one included: the store's caches are told, the active
// model (store setting "active_model") and the profiles are read again, the engine is rebuilt
// (the local cache cleared with it), and only then does the shared cache move to the event's
// epoch. "resync" (the subscriber reconnected: events may have been missed) does the same and
// reads the epoch from Redis; "connected" (the first subscription) only reads the epoch.
void on_cluster_event(ServiceContext& context, const ClusterEvent& event);

}  // namespace fp::server
