#pragma once
// Builders of TLS wire bytes for tests (STYLE.md 23): a ClientHello or ServerHello as a handshake
// body, a handshake message, one record or several records cut at any size. Typed helpers cover
// the extensions fingerprints read; extension() adds any type with raw bytes. grease() makes the
// hello look like Chrome's: a GREASE value in ciphers, extensions (first and last), groups,
// supported_versions, signature algorithms and key shares.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fp::test {

using Wire = std::vector<uint8_t>;

// Hex text (whitespace allowed) to bytes; aborts the test program on bad hex.
[[nodiscard]] Wire from_hex(std::string_view hex);

// `payload` cut into records of `content_type` of at most `max_fragment` bytes each.
[[nodiscard]] Wire records(uint8_t content_type, std::span<const uint8_t> payload,
                           size_t max_fragment = 16384, uint16_t record_version = 0x0301);
// A 4-byte handshake header and `body`.
[[nodiscard]] Wire handshake_message(uint8_t type, std::span<const uint8_t> body);
// One ChangeCipherSpec record.
[[nodiscard]] Wire change_cipher_spec(uint16_t record_version = 0x0303);
// Concatenation of byte strings.
[[nodiscard]] Wire concat(std::initializer_list<std::span<const uint8_t>> parts);

class ClientHelloBuilder {
 public:
  ClientHelloBuilder& version(uint16_t v);  // legacy_version, default 0x0303
  ClientHelloBuilder& random(Wire r);       // default 32 bytes of 0x11
  ClientHelloBuilder& session_id(Wire id);
  ClientHelloBuilder& ciphers(std::vector<uint16_t> suites);
  ClientHelloBuilder& compression(Wire methods);  // default {0}
  ClientHelloBuilder& grease(uint16_t value = 0x0a0a);
  ClientHelloBuilder& no_extension_block();  // omit the extensions length too (pre-TLS 1.2 hello)

  ClientHelloBuilder& extension(uint16_t type, Wire data);
  ClientHelloBuilder& sni(std::string_view host);
  ClientHelloBuilder& alpn(std::vector<std::string> protocols);
  ClientHelloBuilder& supported_versions(std::vector<uint16_t> versions);
  ClientHelloBuilder& supported_groups(std::vector<uint16_t> groups);
  ClientHelloBuilder& ec_point_formats(Wire formats);
  ClientHelloBuilder& signature_algorithms(std::vector<uint16_t> algs);
  ClientHelloBuilder& key_share(std::vector<std::pair<uint16_t, size_t>> group_and_key_size);
  ClientHelloBuilder& psk_key_exchange_modes(Wire modes);
  ClientHelloBuilder& compress_certificate(std::vector<uint16_t> algs);
  ClientHelloBuilder& padding(size_t size);
  ClientHelloBuilder& session_ticket(Wire ticket = {});
  ClientHelloBuilder& early_data();
  ClientHelloBuilder& pre_shared_key(size_t identity_size = 32);  // RFC 8446: must be last

  [[nodiscard]] Wire body() const;
  [[nodiscard]] Wire message() const;
  // One record, or records of at most max_fragment bytes each.
  [[nodiscard]] Wire record(uint16_t record_version = 0x0301, size_t max_fragment = 16384) const;

  // The JA3 string's fields as a hello: extensions get empty bodies except supported_groups (10)
  // and ec_point_formats (11), which carry the curve and point-format fields.
  [[nodiscard]] static ClientHelloBuilder from_ja3(std::string_view ja3);

 private:
  using Body = std::function<Wire(uint16_t grease)>;  // grease 0: none
  struct Ext {
    uint16_t type;
    Body body;
  };
  ClientHelloBuilder& typed(uint16_t type, Body body);

  uint16_t version_ = 0x0303;
  Wire random_ = Wire(32, 0x11);
  Wire session_id_;
  std::vector<uint16_t> ciphers_;
  Wire compression_ = {0};
  std::vector<Ext> extensions_;
  uint16_t grease_ = 0;
  bool extension_block_ = true;
};

// The ClientHello of JA4.md's worked example, its extensions in the order the spec lists them
// (JA4 t13d1516h2_8daaf6152771_e5627efa2ab1); without signature algorithms on request.
[[nodiscard]] ClientHelloBuilder ja4_spec_example_hello(bool with_sigalgs = true);

class ServerHelloBuilder {
 public:
  ServerHelloBuilder& version(uint16_t v);  // default 0x0303
  ServerHelloBuilder& cipher(uint16_t suite);
  ServerHelloBuilder& hello_retry_request();  // the RFC 8446 special random
  ServerHelloBuilder& extension(uint16_t type, Wire data);
  ServerHelloBuilder& selected_version(uint16_t v);
  ServerHelloBuilder& alpn(std::string_view protocol);

  [[nodiscard]] Wire body() const;
  [[nodiscard]] Wire message() const;
  [[nodiscard]] Wire record(uint16_t record_version = 0x0303) const;

 private:
  uint16_t version_ = 0x0303;
  Wire random_ = Wire(32, 0x22);
  uint16_t cipher_ = 0x1301;
  std::vector<std::pair<uint16_t, Wire>> extensions_;
};

}  // namespace fp::test
