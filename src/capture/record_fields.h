#pragma once
// `analyze --fields`: the record keys a user asks for (as tshark's `-e`), and from them which
// fingerprints need computing at all. A fingerprint nobody reads is not computed: a JA3-only run
// does not pay for the seven SHA-256 digests of the JA4 family.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fp::capture {

// The fingerprints a record may carry that cost something to compute (record_builders.h). What
// decides whether a stream has a record at all (StreamRecord::has_fingerprint: a SYN's JA4T, a
// ServerHello, SSH ...) is always computed, so --fields leaves out no record it would keep.
enum Fingerprints : uint32_t {
  kJa4 = 1u << 0,  // ja4, ja4_r, ja4_o, ja4_ro
  kJa4Stable = 1u << 1,
  kJa3 = 1u << 2,
  kJa3n = 1u << 3,
  kPeetprint = 1u << 4,
  kJa4s = 1u << 5,  // ja4s, ja4s_r
  kJa3s = 1u << 6,
  kP0f = 1u << 9,           // p0f_signature, ttl_distance
  kJa4x = 1u << 10,         // tls_certs: each certificate's JA4X (two SHA-256) and names
  kServerHello = 1u << 11,  // the ServerHello read at all (JA4S, JA3S, tls_hello_retry_request)
  kJa4l = 1u << 12,         // ja4l_c, ja4l_s: every packet's time and TTL looked at
  kAllFingerprints = ~0u,
};
using FingerprintMask = uint32_t;

struct FieldSelection {
  // The top-level keys to write, in the record's own order when written; `stream` and `file`
  // identify a record and are always kept.
  std::vector<std::string> keys;
  FingerprintMask compute = kAllFingerprints;
};

// "ja3,ja4" → the selection. An unknown key leaves `error` naming it and the keys there are.
[[nodiscard]] bool parse_field_list(std::string_view list, FieldSelection& out, std::string& error);

}  // namespace fp::capture
