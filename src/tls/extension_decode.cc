#include "tls/extension_decode.h"

namespace fp::tls {
namespace {

// Browsers offer two or three ALPN protocols and send two or three key shares (GREASE, a
// post-quantum hybrid, X25519): one allocation instead of growing 1, 2, 4.
constexpr size_t kTypicalEntries = 4;

}  // namespace

bool decode_u8_list(Bytes data, std::vector<uint8_t>& out) {
  ByteReader r(data);
  auto body = r.length_prefixed<1>();
  if (!body) return false;
  out.assign(body->begin(), body->end());
  return r.empty();
}

bool decode_server_name(Bytes data, std::optional<std::string>& out) {
  ByteReader r(data);
  auto list = r.length_prefixed<2>();
  if (!list) return false;
  ByteReader names(*list);
  while (!names.empty()) {
    auto type = names.u8();
    auto name = names.length_prefixed<2>();
    if (!type || !name) return false;
    if (*type == 0 && !out) out.emplace(name->begin(), name->end());
  }
  return r.empty();
}

bool decode_alpn(Bytes data, std::vector<std::string>& out) {
  ByteReader r(data);
  auto list = r.length_prefixed<2>();
  if (!list) return false;
  ByteReader names(*list);
  out.reserve(kTypicalEntries);
  while (!names.empty()) {
    auto name = names.length_prefixed<1>();
    if (!name) return false;
    out.emplace_back(name->begin(), name->end());
  }
  return r.empty();
}

bool decode_key_share(Bytes data, std::vector<uint16_t>& groups) {
  ByteReader r(data);
  auto list = r.length_prefixed<2>();
  if (!list) return false;
  ByteReader entries(*list);
  groups.reserve(kTypicalEntries);
  while (!entries.empty()) {
    auto group = entries.u16();
    auto key = entries.length_prefixed<2>();
    if (!group || !key) return false;
    groups.push_back(*group);
  }
  return r.empty();
}

}  // namespace fp::tls
