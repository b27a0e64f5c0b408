#pragma once
// QUIC transport parameters (RFC 9000 18, RFC 9001 8.2) as a client sends them in its
// ClientHello's quic_transport_parameters extension (0x39; 0xffa5 in drafts 27-34), and our
// fingerprint of them (docs/fingerprints.md, "QUIC transport parameters (ours)").
//
// parse_transport_parameters() reads the extension body: a sequence of (id varint, length
// varint, value) in wire order, GREASE and unknown ids kept, at most
// limits::kMaxQuicTransportParameters of them. Errors: kTruncated (an id, length or value runs
// past the body), kTooMany (more parameters than the limit). A repeated id is kept and flagged
// (`duplicate_ids`): RFC 9000 7.4 forbids it, and a sender that does it is worth telling apart.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/fingerprint.h"
#include "core/result.h"

namespace fp::quic {

inline constexpr uint16_t kTransportParametersExtension = 0x0039;       // RFC 9001 8.2
inline constexpr uint16_t kTransportParametersDraftExtension = 0xffa5;  // drafts 27-34

enum class TransportParamsError : uint8_t {
  kTruncated,  // an id, a length or a value runs past the extension body
  kTooMany,    // more than limits::kMaxQuicTransportParameters parameters
};

[[nodiscard]] std::string_view describe(TransportParamsError error) noexcept;

struct TransportParameter {
  uint64_t id = 0;
  std::vector<uint8_t> value;  // as sent
};

struct TransportParameters {
  std::vector<TransportParameter> parameters;  // wire order
  bool duplicate_ids = false;                  // some non-GREASE id appears twice
};

[[nodiscard]] Result<TransportParameters, TransportParamsError> parse_transport_parameters(
    Bytes body) noexcept;

// RFC 9000 18.1: ids of the form 31 * N + 27 are reserved to exercise unknown-id handling.
[[nodiscard]] constexpr bool is_grease_transport_parameter(uint64_t id) noexcept {
  return id >= 27 && (id - 27) % 31 == 0;
}

// RFC 9000 18.2 names (and a few widely deployed extensions'); "" for an unknown id.
[[nodiscard]] std::string_view transport_parameter_name(uint64_t id) noexcept;

// The value of a parameter RFC 9000 18.2 defines as a variable-length integer, when `p` is one
// of those (see kNumericTransportParameters) and its value is exactly one varint.
[[nodiscard]] std::optional<uint64_t> numeric_value(const TransportParameter& p) noexcept;

// Our fingerprint, `q<NN>_<ids hash>_<values hash>` (docs/fingerprints.md):
//   NN      the number of parameters, two digits, capped at 99 (GREASE counted)
//   ids     the non-GREASE ids in lower-case hex, sorted (Chrome shuffles their order on every
//           connection), joined by `,`, then `gr` once per GREASE parameter
//   values  `id:value` (hex id, decimal value) of each numeric parameter, in the sorted id order
// The raw form keeps the two lists in clear in place of their hashes.
[[nodiscard]] Fingerprint transport_parameters_fingerprint(const TransportParameters& tp);

}  // namespace fp::quic
