#include "tls/server_hello.h"

#include <algorithm>
#include <array>

#include "tls/extension_decode.h"

namespace fp::tls {
namespace {

constexpr size_t kRandomSize = 32;

// RFC 8446 4.1.3: a HelloRetryRequest is a ServerHello whose random is
// SHA-256("HelloRetryRequest").
constexpr std::array<uint8_t, kRandomSize> kHelloRetryRandom{
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

// The server's supported_versions carries one version, not a list (RFC 8446 4.2.1).
void decode_selected_version(Bytes data, ServerHello& hello) {
  ByteReader r(data);
  auto v = r.u16();
  if (v && r.empty()) hello.selected_version = *v;
}

// The server's ALPN holds exactly one protocol name (RFC 7301 3.1).
void decode_chosen_alpn(Bytes data, ServerHello& hello) {
  std::vector<std::string> names;
  if (decode_alpn(data, names) && !names.empty()) hello.alpn = std::move(names.front());
}

bool read_extensions(ByteReader& r, ServerHello& hello) {
  auto block = r.length_prefixed<2>();
  if (!block) return false;
  hello.extension_data.assign(block->begin(), block->end());
  const Bytes owned(hello.extension_data);
  ByteReader er(owned);
  while (!er.empty()) {
    auto type = er.u16();
    auto data = er.length_prefixed<2>();
    if (!type || !data) return false;
    hello.extensions.push_back({*type, static_cast<uint32_t>(data->data() - owned.data()),
                                static_cast<uint32_t>(data->size())});
    if (*type == ext::kSupportedVersions) decode_selected_version(*data, hello);
    if (*type == ext::kAlpn) decode_chosen_alpn(*data, hello);
  }
  return true;
}

}  // namespace

bool ServerHello::has_extension(uint16_t type) const noexcept {
  return std::any_of(extensions.begin(), extensions.end(),
                     [type](const Extension& e) { return e.type == type; });
}

Result<ServerHello, TlsError> parse_server_hello(Bytes body) noexcept {
  ByteReader r(body);
  auto version = r.u16();
  auto random = r.bytes(kRandomSize);
  auto session_id = r.length_prefixed<1>();
  auto cipher = r.u16();
  auto compression = r.u8();
  if (!version || !random || !session_id || !cipher || !compression) {
    return Unexpected{TlsError::kTruncated};
  }
  ServerHello hello;
  hello.legacy_version = *version;
  std::copy(random->begin(), random->end(), hello.random.begin());
  hello.session_id.assign(session_id->begin(), session_id->end());
  hello.cipher_suite = *cipher;
  hello.compression_method = *compression;
  hello.hello_retry_request = std::equal(random->begin(), random->end(), kHelloRetryRandom.begin());
  if (!r.empty() && !read_extensions(r, hello)) return Unexpected{TlsError::kBadExtension};
  return hello;
}

}  // namespace fp::tls
