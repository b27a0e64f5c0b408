#pragma once
// TLS server contexts for the service's listeners.

#include <memory>
#include <string>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace fp::server {

// Server context from PEM files: TLS 1.2+, ALPN from `alpn` in preference order
// ({"h2","http/1.1"} for the fingerprinting listener, {"http/1.1"} for the API). The server's
// preference wins; a client offering none of them gets no ALPN (not a handshake failure).
// nullptr and `error` on failure (file missing, key not matching the certificate, bad ALPN).
[[nodiscard]] std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(
    const std::string& cert_file, const std::string& key_file, std::vector<std::string> alpn,
    std::string& error);

}  // namespace fp::server
