#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

namespace fp::server {
namespace {

namespace ssl = boost::asio::ssl;

// The context and the ALPN list its callback reads, freed together.
struct ContextWithAlpn {
  ssl::context context{ssl::context::tls_server};
  std::vector<unsigned char> alpn_wire;  // length-prefixed names in preference order (RFC 7301)
};

// Picks the first of our protocols that the client also offers: the server's preference wins,
// so a client offering "http/1.1,h2" speaks h2. No common protocol is not an error (RFC 7301 3.2
// allows continuing without ALPN); the connection then speaks HTTP/1.1.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length,
                const unsigned char* offered, unsigned int offered_length, void* arg) {
  const auto& ours = *static_cast<const std::vector<unsigned char>*>(arg);
  if (offered_length == 0) return SSL_TLSEXT_ERR_NOACK;
  unsigned char* selected = nullptr;
  unsigned char selected_length = 0;
  const int result =
      SSL_select_next_proto(&selected, &selected_length, ours.data(),
                            static_cast<unsigned int>(ours.size()), offered, offered_length);
  if (result != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  *out_length = selected_length;
  return SSL_TLSEXT_ERR_OK;
}

std::string openssl_error() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls_context(const std::string& cert_file,
                                                      const std::string& key_file,
                                                      std::vector<std::string> alpn,
                                                      std::string& error) {
  auto holder = std::make_shared<ContextWithAlpn>();
  for (const std::string& name : alpn) {
    if (name.empty() || name.size() > 255) {
      error = "ALPN protocol names are 1 to 255 bytes";
      return nullptr;
    }
    holder->alpn_wire.push_back(static_cast<unsigned char>(name.size()));
    holder->alpn_wire.insert(holder->alpn_wire.end(), name.begin(), name.end());
  }
  ssl::context& context = holder->context;
  SSL_CTX* native = context.native_handle();
  context.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                      ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Resumption goes through stateless tickets; a server-side session cache would only be
  // filled, locked and periodically walked on every handshake (nginx's default is off too).
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    error = "cannot require TLS 1.2: " + openssl_error();
    return nullptr;
  }
  boost::system::error_code ec;
  context.use_certificate_chain_file(cert_file, ec);
  if (ec) {
    error = "cannot load certificate " + cert_file + ": " + ec.message();
    return nullptr;
  }
  context.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    error = "cannot load private key " + key_file + ": " + ec.message();
    return nullptr;
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    error = "private key " + key_file + " does not match certificate " + cert_file;
    ERR_clear_error();
    return nullptr;
  }
  if (!holder->alpn_wire.empty()) {
    SSL_CTX_set_alpn_select_cb(native, select_alpn, &holder->alpn_wire);
  }
  return {holder, &holder->context};  // aliasing: the ALPN list lives as long as the context
}

}  // namespace fp::server
