#pragma once
// Bounds-checked decoders of extension bodies, shared by the ClientHello and ServerHello parsers.
// Each returns false when the body does not match its declared layout; values read before the
// fault are kept (the caller records a quirk).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.h"

namespace fp::tls {

// A vector of 16-bit values behind an N-byte length (supported_groups: N=2,
// supported_versions: N=1).
template <size_t N>
[[nodiscard]] bool decode_u16_list(Bytes data, std::vector<uint16_t>& out) {
  ByteReader r(data);
  auto body = r.length_prefixed<N>();
  if (!body) return false;
  ByteReader items(*body);
  out.reserve(body->size() / 2);
  while (items.remaining() >= 2) out.push_back(*items.u16());
  return items.empty() && r.empty();
}

// A vector of bytes behind a 1-byte length (ec_point_formats, psk_key_exchange_modes).
[[nodiscard]] bool decode_u8_list(Bytes data, std::vector<uint8_t>& out);

// server_name (RFC 6066 3): the first host_name entry.
[[nodiscard]] bool decode_server_name(Bytes data, std::optional<std::string>& out);

// application_layer_protocol_negotiation (RFC 7301 3.1): the protocol names, bytes as sent.
[[nodiscard]] bool decode_alpn(Bytes data, std::vector<std::string>& out);

// key_share (RFC 8446 4.2.8), client form: the group of each entry.
[[nodiscard]] bool decode_key_share(Bytes data, std::vector<uint16_t>& groups);

}  // namespace fp::tls
