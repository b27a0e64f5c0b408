#pragma once
// Building the identification engines from the service's current state: the store's profiles
// (or the seed profiles when nothing is stored), the models in use, the p0f database.

#include <string>
#include <string_view>

#include "server/model_rollout.h"
#include "server/service_context.h"

namespace fp::server {

// Builds and swaps in new engines for the models in use (the registry's rollout). False and
// `error` when one of them cannot be loaded (the engine is then built without a model, and the
// error says so).
bool rebuild_engine(ServiceContext& context, std::string& error);

// Puts `rollout` in use (an engine per arm, and the shadow's); false and `error` (the previous
// rollout stays) when one of its models does not load.
bool apply_rollout(ServiceContext& context, const Rollout& rollout, std::string& error);

// apply_rollout with `id` alone.
bool activate_model(ServiceContext& context, const std::string& id, std::string& error);

// The rollout the replicas agreed on: the store's setting "model_rollout", else its older
// "active_model" alone, else `fallback`.
[[nodiscard]] Rollout stored_rollout(ServiceContext& context, const Rollout& fallback);
// Saves `rollout` as the agreed one (and the one it replaces, for rollback).
void store_rollout(ServiceContext& context, const Rollout& rollout);

// Tells the other replicas that the profiles ("profiles") or the active model ("model", `model`
// its id) changed; they rebuild as on_cluster_event() says. Nothing without Redis; a failure is
// logged and the event is published when Redis answers again (cluster_events.h).
void announce_change(ServiceContext& context, std::string_view kind, std::string_view model = {});

struct ClusterEvent;
// A change announced by another replica: the store's caches are told, the models in use (store
// setting "model_rollout") and the profiles are read again, the engines are rebuilt (the local
// cache cleared with them), and only then does the shared cache move to the event's epoch (this
// replica's own events only move the epoch: it applied the change before announcing it). "resync"
// (the subscriber reconnected: events may have been missed) does the same and reads the epoch from
// Redis; "connected" (the first subscription) only reads the epoch.
void on_cluster_event(ServiceContext& context, const ClusterEvent& event);

}  // namespace fp::server
