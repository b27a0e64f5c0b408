#pragma once
// ServerHello parsing (RFC 8446 4.1.3), including the HelloRetryRequest form.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "tls/client_hello.h"
#include "tls/errors.h"

namespace fp::tls {

struct ServerHello {
  uint16_t record_version = 0;
  uint16_t legacy_version = 0;
  std::array<uint8_t, 32> random{};
  std::vector<uint8_t> session_id;
  uint16_t cipher_suite = 0;
  uint8_t compression_method = 0;
  std::vector<Extension> extensions;    // wire order
  std::vector<uint8_t> extension_data;  // the extension block as received; bodies point into it

  std::optional<uint16_t> selected_version;  // from supported_versions, when present
  std::optional<std::string> alpn;           // the protocol the server chose
  bool hello_retry_request = false;          // random equals the RFC 8446 HRR constant

  [[nodiscard]] bool has_extension(uint16_t type) const noexcept;

  // The body of `e`, one of this hello's extensions.
  [[nodiscard]] Bytes data_of(const Extension& e) const noexcept {
    return extension_body(extension_data, e);
  }
};

[[nodiscard]] Result<ServerHello, TlsError> parse_server_hello(Bytes body) noexcept;

}  // namespace fp::tls
