#pragma once
// The request bodies of the fingerprint routes, read and checked: a problem response names the
// field and why, so a caller can fix the request. Shared by the single routes and /batch.

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <variant>

#include "engine/engine.h"
#include "engine/identify_support.h"
#include "engine/inputs.h"
#include "server/http_types.h"
#include "server/identification.h"

namespace fp::server {

struct ServiceContext;

struct FingerprintRequest {
  engine::RawInputs inputs;
  std::string user_agent;  // when no HTTP head carries one
  bool identify = true;
};

// POST /api/v1/fingerprint's body.
[[nodiscard]] std::variant<FingerprintRequest, Response> read_fingerprint_request(
    const boost::json::object& body, const Request& request);
// POST /api/v1/identify's body (also an operand of /compare).
[[nodiscard]] std::variant<engine::FingerprintStrings, Response> read_identify_request(
    const boost::json::object& body, const Request& request);

// A record from the inputs (422 when one does not parse), identified when asked, stored as an
// observation from `source`.
struct Fingerprinted {
  capture::StreamRecord record;  // record.identity holds the identity JSON when identified
  std::optional<CachedIdentity> identity;
};
[[nodiscard]] std::variant<Fingerprinted, Response> fingerprint_inputs(
    ServiceContext& context, const FingerprintRequest& fingerprint, const Request& request,
    std::string_view source);
// The same, answered with the analyze record as JSON.
[[nodiscard]] Response fingerprint_response(ServiceContext& context,
                                            const FingerprintRequest& fingerprint,
                                            const Request& request, std::string_view source);
// The identity of fingerprint strings, as JSON.
[[nodiscard]] Response identify_response(ServiceContext& context,
                                         const engine::FingerprintStrings& strings);

// True for an object that carries a raw input (a /fingerprint request rather than /identify).
[[nodiscard]] bool has_raw_input(const boost::json::object& body);

}  // namespace fp::server
