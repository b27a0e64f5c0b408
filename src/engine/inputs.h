#pragma once
// Raw inputs of one connection, given by a caller rather than read from a capture (the API's
// POST /api/v1/fingerprint, the fingerprinting listener): each is parsed by the library and
// turned into the same StreamRecord `analyze` writes, so every source shares one implementation.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capture/record.h"
#include "core/result.h"

namespace fp::engine {

struct RawInputs {
  std::optional<std::string> client_hello;  // bytes: TLS record(s), handshake message or SSLv2
  std::optional<std::string> syn;           // bytes: the SYN's IP packet (IP + TCP header)
  std::optional<std::string> http1_head;    // bytes: request line .. CRLF CRLF
  std::optional<std::string> http2_frames;  // bytes: the client's HTTP/2 stream, magic optional
};

// Which input did not parse and why, in words a caller can act on.
struct InputError {
  std::string field;  // "tls_client_hello", "syn", "http_request", "http2_frames"
  std::string message;
};

// Every input present is parsed and fingerprinted into one record; the first that does not
// parse is the error. An empty RawInputs gives an empty record.
[[nodiscard]] Result<capture::StreamRecord, InputError> record_from_inputs(const RawInputs& in);

// Hex (spaces and colons allowed) or base64 text to bytes; nullopt when it is neither.
[[nodiscard]] std::optional<std::string> decode_bytes(std::string_view text);

// An HTTP/1 head built from a header list, for callers that have headers but not the bytes.
[[nodiscard]] std::string http1_head_of(
    std::string_view method, std::string_view target, std::string_view version,
    const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace fp::engine
