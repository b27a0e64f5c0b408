#include "ssh/kexinit.h"

#include <array>
#include <string_view>

namespace fp::ssh {
namespace {

constexpr size_t kCookieSize = 16;

std::optional<std::string> name_list(ByteReader& r) {
  auto body = r.length_prefixed<4>();
  if (!body) return std::nullopt;
  return std::string(body->begin(), body->end());
}

// Host key types whose blob is a sequence of length-prefixed fields (RFC 4253 6.6, RFC 5656
// 3.1, RFC 8709 4); tshark reads the fields of these and only these.
bool fields_are_strings(std::string_view type) {
  constexpr std::array<std::string_view, 4> kExact = {"ssh-rsa", "ssh-dss", "ssh-ed25519",
                                                      "ssh-ed448"};
  for (std::string_view t : kExact) {
    if (type == t) return true;
  }
  return type.starts_with("ecdsa-sha2-") && type.find("-cert") == std::string_view::npos;
}

}  // namespace

const char* describe(SshError e) noexcept {
  switch (e) {
    case SshError::kNotKexinit:
      return "not an SSH_MSG_KEXINIT message";
    case SshError::kTruncated:
      return "SSH_MSG_KEXINIT cut short inside its name-lists";
  }
  return "unknown SSH error";
}

Result<KexInit, SshError> parse_kexinit(Bytes payload) noexcept {
  ByteReader r(payload);
  auto code = r.u8();
  if (!code || *code != kMsgKexinit) return Unexpected{SshError::kNotKexinit};
  if (!r.skip(kCookieSize)) return Unexpected{SshError::kTruncated};
  KexInit k;
  for (std::string* field :
       {&k.kex, &k.host_key, &k.encryption_c2s, &k.encryption_s2c, &k.mac_c2s, &k.mac_s2c,
        &k.compression_c2s, &k.compression_s2c, &k.languages_c2s, &k.languages_s2c}) {
    auto list = name_list(r);
    if (!list) return Unexpected{SshError::kTruncated};
    *field = std::move(*list);
  }
  return k;
}

std::string negotiated(const std::string& client_list, const std::string& server_list) {
  auto contains = [](std::string_view list, std::string_view name) {
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(',', start);
      if (end == std::string_view::npos) end = list.size();
      if (list.substr(start, end - start) == name) return true;
      start = end + 1;
    }
    return false;
  };
  std::string_view clients = client_list;
  size_t start = 0;
  while (start < clients.size()) {
    size_t end = clients.find(',', start);
    if (end == std::string_view::npos) end = clients.size();
    const std::string_view name = clients.substr(start, end - start);
    if (!name.empty() && contains(server_list, name)) return std::string(name);
    start = end + 1;
  }
  return {};
}

bool host_key_fits(Bytes payload) noexcept {
  ByteReader r(payload);
  if (!r.u8()) return true;  // no message: nothing tshark would read
  auto blob_length = r.u32();
  if (!blob_length) return false;
  const size_t blob_end = r.position() + *blob_length;
  auto type = r.length_prefixed<4>();
  if (!type) return false;
  const std::string_view type_name(reinterpret_cast<const char*>(type->data()), type->size());
  if (!fields_are_strings(type_name)) return r.remaining() + r.position() >= blob_end;
  while (r.position() < blob_end) {
    if (!r.length_prefixed<4>()) return false;
  }
  return true;
}

}  // namespace fp::ssh
