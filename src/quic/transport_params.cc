#include "quic/transport_params.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/hash.h"
#include "quic/limits.h"
#include "quic/packet.h"

namespace fp::quic {
namespace {

struct NamedParameter {
  uint64_t id;
  std::string_view name;
  bool numeric;  // RFC 9000 18.2 (RFC 9221 3 for 0x20): the value is one varint
};

// A table, not a switch (STYLE.md 5).
constexpr std::array<NamedParameter, 25> kParameters{{
    {0x00, "original_destination_connection_id", false},
    {0x01, "max_idle_timeout", true},
    {0x02, "stateless_reset_token", false},
    {0x03, "max_udp_payload_size", true},
    {0x04, "initial_max_data", true},
    {0x05, "initial_max_stream_data_bidi_local", true},
    {0x06, "initial_max_stream_data_bidi_remote", true},
    {0x07, "initial_max_stream_data_uni", true},
    {0x08, "initial_max_streams_bidi", true},
    {0x09, "initial_max_streams_uni", true},
    {0x0a, "ack_delay_exponent", true},
    {0x0b, "max_ack_delay", true},
    {0x0c, "disable_active_migration", false},
    {0x0d, "preferred_address", false},
    {0x0e, "active_connection_id_limit", true},
    {0x0f, "initial_source_connection_id", false},
    {0x10, "retry_source_connection_id", false},
    {0x11, "version_information", false},  // RFC 9368 3
    {0x20, "max_datagram_frame_size", true},
    {0x2ab2, "grease_quic_bit", false},  // RFC 9287 3
    {0x3127, "initial_rtt", false},      // Google QUIC extensions, as Wireshark names them
    {0x3128, "google_connection_options", false},
    {0x3129, "google_user_agent", false},
    {0x4752, "google_version", false},
    {0xff73db, "version_information_draft", false},
}};

const NamedParameter* find_parameter(uint64_t id) noexcept {
  const auto it = std::find_if(kParameters.begin(), kParameters.end(),
                               [id](const NamedParameter& p) { return p.id == id; });
  return it == kParameters.end() ? nullptr : &*it;
}

bool has_duplicate_ids(const std::vector<TransportParameter>& parameters) {
  std::vector<uint64_t> ids;
  for (const auto& p : parameters) {
    if (!is_grease_transport_parameter(p.id)) ids.push_back(p.id);
  }
  std::sort(ids.begin(), ids.end());
  return std::adjacent_find(ids.begin(), ids.end()) != ids.end();
}

std::string to_hex(uint64_t v) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[v & 0xf]);
    v >>= 4;
  } while (v != 0);
  return out;
}

std::string two_digits(size_t n) {
  n = std::min<size_t>(n, 99);  // JA4's cap for counts
  return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

}  // namespace

std::string_view describe(TransportParamsError error) noexcept {
  switch (error) {
    case TransportParamsError::kTruncated:
      return "transport parameter runs past the extension";
    case TransportParamsError::kTooMany:
      return "too many transport parameters";
  }
  return "unknown transport parameters error";
}

Result<TransportParameters, TransportParamsError> parse_transport_parameters(Bytes body) noexcept {
  TransportParameters out;
  ByteReader r(body);
  while (!r.empty()) {
    if (out.parameters.size() == limits::kMaxQuicTransportParameters) {
      return Unexpected{TransportParamsError::kTooMany};
    }
    const auto id = read_varint(r);
    const auto length = id ? read_varint(r) : std::nullopt;
    const auto value = length ? r.bytes(*length) : std::nullopt;
    if (!value) return Unexpected{TransportParamsError::kTruncated};
    out.parameters.push_back({*id, {value->begin(), value->end()}});
  }
  out.duplicate_ids = has_duplicate_ids(out.parameters);
  return out;
}

std::string_view transport_parameter_name(uint64_t id) noexcept {
  if (is_grease_transport_parameter(id)) return "grease";
  const NamedParameter* p = find_parameter(id);
  return p ? p->name : std::string_view{};
}

std::optional<uint64_t> numeric_value(const TransportParameter& p) noexcept {
  const NamedParameter* named = find_parameter(p.id);
  if (!named || !named->numeric) return std::nullopt;
  ByteReader r(p.value);
  const auto v = read_varint(r);
  if (!v || !r.empty()) return std::nullopt;
  return v;
}

Fingerprint transport_parameters_fingerprint(const TransportParameters& tp) {
  std::vector<const TransportParameter*> sorted;
  size_t grease = 0;
  for (const auto& p : tp.parameters) {
    if (is_grease_transport_parameter(p.id)) {
      ++grease;
    } else {
      sorted.push_back(&p);
    }
  }
  // stable: a duplicate id keeps its values in wire order
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->id < b->id; });
  std::string ids, values;
  for (const auto* p : sorted) {
    ids += (ids.empty() ? "" : ",") + to_hex(p->id);
    if (const auto v = numeric_value(*p)) {
      values += (values.empty() ? "" : ",") + to_hex(p->id) + ":" + std::to_string(*v);
    }
  }
  for (size_t i = 0; i < grease; ++i) ids += ids.empty() ? "gr" : ",gr";
  const std::string count = "q" + two_digits(tp.parameters.size());
  return {count + "_" + ids + "_" + values,
          count + "_" + sha256_hex12(ids) + "_" + sha256_hex12(values)};
}

}  // namespace fp::quic
