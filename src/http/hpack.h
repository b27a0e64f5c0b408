#pragma once
// HPACK (RFC 7541) decoding of one header block, backed by nghttp2's inflater. Internal to
// src/http; no nghttp2 type appears here (STYLE.md 16).

#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "http/http2.h"
#include "http/request.h"

namespace fp::http {

// Decodes a complete header block with a fresh decoding context (the first block of a
// connection). Names and values are returned as sent, in order. Errors: kBadHeaderBlock when the
// block does not decode; kTooLarge when the decoded fields exceed `max_decoded` bytes (name +
// value + 32 per field, the RFC 7541 4.1 entry size).
[[nodiscard]] Result<std::vector<Header>, Http2Error> hpack_decode(Bytes block,
                                                                   size_t max_decoded) noexcept;

}  // namespace fp::http
