#pragma once
// The identification engine one service or command holds: the profiles' identifier, the p0f
// database and the classifier, with records in and identities out. Immutable once built: the
// service builds a new one when profiles change and swaps it in, so readers never lock.

#include <boost/json/fwd.hpp>
#include <memory>
#include <string>
#include <vector>

#include "capture/record.h"
#include "identify/identity.h"
#include "identify/observation.h"
#include "identify/p0f_db.h"

namespace fp::engine {

class Engine {
 public:
  // `model` and `p0f` may be null; they are shared, not copied, and must outlive the engine
  // (the classifier is owned by the caller: libxgboost must not be freed after main()).
  Engine(std::vector<identify::Profile> profiles, const identify::IdentityModel* model,
         std::shared_ptr<const identify::P0fDatabase> p0f);

  // What the identifier reads of a record (the analyze JSON's fields), with p0f's OS.
  [[nodiscard]] identify::Observation observe(const capture::StreamRecord& record) const;
  [[nodiscard]] identify::Observation observe(const boost::json::object& record) const;
  [[nodiscard]] identify::Identity identify(const identify::Observation& observation) const;
  // Sets record.identity (the identity as JSON) and returns the identity.
  identify::Identity identify_record(capture::StreamRecord& record) const;

  [[nodiscard]] const identify::Identifier& identifier() const noexcept { return identifier_; }
  [[nodiscard]] const std::vector<identify::Profile>& profiles() const noexcept {
    return profiles_;
  }
  [[nodiscard]] const identify::Profile* profile(std::string_view id) const;
  [[nodiscard]] const identify::P0fDatabase* p0f() const noexcept { return p0f_.get(); }
  [[nodiscard]] bool has_model() const noexcept { return model_ != nullptr; }

 private:
  std::vector<identify::Profile> profiles_;
  identify::Identifier identifier_;
  const identify::IdentityModel* model_;
  std::shared_ptr<const identify::P0fDatabase> p0f_;
};

}  // namespace fp::engine
