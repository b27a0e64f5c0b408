#pragma once
// Building the identification engine from the service's current state: the store's profiles
// (or the seed profiles when nothing is stored), the active model, the p0f database.

#include <string>

#include "server/service_context.h"

namespace fp::server {

// Builds and swaps in a new engine. False and `error` when the active model cannot be loaded
// (the engine is then built without one, and the error says so).
bool rebuild_engine(ServiceContext& context, std::string& error);

// Makes `id` the active model and rebuilds; false and `error` (the previous model stays) when
// it does not load.
bool activate_model(ServiceContext& context, const std::string& id, std::string& error);

}  // namespace fp::server
