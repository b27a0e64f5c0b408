#include "engine/engine.h"

#include <boost/json.hpp>

#include "capture/record_json.h"
#include "engine/identify_support.h"

namespace fp::engine {

Engine::Engine(std::vector<identify::Profile> profiles, const identify::IdentityModel* model,
               std::shared_ptr<const identify::P0fDatabase> p0f)
    : profiles_(profiles), identifier_(std::move(profiles)), model_(model), p0f_(std::move(p0f)) {
  identifier_.set_model(model_);
}

identify::Observation Engine::observe(const boost::json::object& record) const {
  return observation_from_record(record, p0f_.get());
}

// Through the record's JSON: one reading of the record's fields for every source (analyze
// files, the API, the listener). It costs a few microseconds next to identification.
identify::Observation Engine::observe(const capture::StreamRecord& record) const {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(capture::to_json_line(record), ec);
  if (ec || !json.is_object()) return {};
  return observe(json.as_object());
}

identify::Identity Engine::identify(const identify::Observation& observation) const {
  return identifier_.identify(observation);
}

identify::Identity Engine::identify_record(capture::StreamRecord& record) const {
  identify::Identity identity = identify(observe(record));
  record.identity = identity_json(identity);
  return identity;
}

const identify::Profile* Engine::profile(std::string_view id) const {
  for (const identify::Profile& p : profiles_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace fp::engine
