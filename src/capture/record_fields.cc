#include "capture/record_fields.h"

#include <algorithm>
#include <array>

namespace fp::capture {
namespace {

struct FieldInfo {
  std::string_view key;
  FingerprintMask needs;
};

constexpr FingerprintMask kClientFingerprints = kJa4 | kJa4Stable | kJa3 | kJa3n | kPeetprint;

// Every top-level key a record may have (record_json.cc), with what computing it takes; a key
// that only copies what the parser read needs nothing.
constexpr std::array kFields = {
    FieldInfo{"file", 0},
    FieldInfo{"stream", 0},
    FieldInfo{"transport", 0},
    FieldInfo{"src", 0},
    FieldInfo{"dst", 0},
    FieldInfo{"src_port", 0},
    FieldInfo{"dst_port", 0},
    FieldInfo{"ja4t", 0},
    FieldInfo{"tls_server_name", 0},
    FieldInfo{"ja4", kJa4},
    FieldInfo{"ja4s", kJa4s | kServerHello},
    FieldInfo{"tls_certs", kJa4x},
    FieldInfo{"ja4l_c", kJa4l},
    FieldInfo{"ja4l_s", kJa4l},
    FieldInfo{"http", 0},
    FieldInfo{"ja4ssh", 0},
    FieldInfo{"ssh_extras", 0},
    FieldInfo{"ja4d", 0},
    FieldInfo{"ja4_r", kJa4},
    FieldInfo{"ja4_o", kJa4},
    FieldInfo{"ja4_ro", kJa4},
    FieldInfo{"ja4_stable", kJa4Stable},
    FieldInfo{"ja4_stable_r", kJa4Stable},
    FieldInfo{"ja3", kJa3},
    FieldInfo{"ja3_full", kJa3},
    FieldInfo{"ja3n", kJa3n},
    FieldInfo{"ja3n_full", kJa3n},
    FieldInfo{"peetprint", kPeetprint},
    FieldInfo{"peetprint_hash", kPeetprint},
    FieldInfo{"tls_alpn", 0},
    FieldInfo{"tls_sslv2_hello", 0},
    FieldInfo{"tls_retry", kClientFingerprints},
    FieldInfo{"ja4s_r", kJa4s | kServerHello},
    FieldInfo{"ja3s", kJa3s | kServerHello},
    FieldInfo{"ja3s_full", kJa3s | kServerHello},
    FieldInfo{"tls_hello_retry_request", kServerHello},
    FieldInfo{"ja4ts", 0},
    FieldInfo{"akamai_fingerprint", 0},
    FieldInfo{"akamai_fingerprint_hash", 0},
    FieldInfo{"http2_frames", 0},
    FieldInfo{"p0f_signature", kP0f},
    FieldInfo{"ttl_distance", kP0f},
    FieldInfo{"hassh_algorithms", 0},
    FieldInfo{"hassh_server_algorithms", 0},
    FieldInfo{"dns_transport", 0},
    FieldInfo{"dns", 0},
    FieldInfo{"quic_transport_parameters", 0},
    FieldInfo{"http3", 0},
    FieldInfo{"identity", 0},
};

const FieldInfo* find_field(std::string_view key) {
  const auto it = std::find_if(kFields.begin(), kFields.end(),
                               [key](const FieldInfo& f) { return f.key == key; });
  return it == kFields.end() ? nullptr : &*it;
}

std::string known_keys() {
  std::string list;
  for (const FieldInfo& f : kFields) {
    if (!list.empty()) list += ", ";
    list += f.key;
  }
  return list;
}

void keep(FieldSelection& out, std::string_view key) {
  if (std::find(out.keys.begin(), out.keys.end(), key) == out.keys.end())
    out.keys.emplace_back(key);
}

}  // namespace

bool parse_field_list(std::string_view list, FieldSelection& out, std::string& error) {
  out = FieldSelection{{}, 0};
  keep(out, "file");
  keep(out, "stream");
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view key = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (key.empty()) continue;
    const FieldInfo* field = find_field(key);
    if (!field) {
      error = "unknown field '" + std::string(key) + "'; fields: " + known_keys();
      return false;
    }
    keep(out, key);
    out.compute |= field->needs;
  }
  if (out.keys.size() == 2) {
    error = "--fields names no field; fields: " + known_keys();
    return false;
  }
  return true;
}

}  // namespace fp::capture
