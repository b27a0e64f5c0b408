#pragma once
// One record per TCP or UDP stream: the fingerprints of everything the client and server sent
// before their content. The same shape is written by `analyze`, and (later) stored and served.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/fingerprint.h"
#include "dns/fingerprint.h"
#include "quic/http3_settings.h"
#include "quic/transport_params.h"
#include "ssh/extras.h"
#include "tcp/packet.h"

namespace fp::capture {

struct TlsClientRecord {
  std::optional<std::string> server_name;
  std::string ja4, ja4_r, ja4_o, ja4_ro;
  Fingerprint ja4_stable;
  Fingerprint ja3, ja3n;
  Fingerprint peetprint;
  std::vector<std::string> alpn;
  bool sslv2_compatible = false;
};

struct TlsServerRecord {
  std::string ja4s, ja4s_r;
  Fingerprint ja3s;
  bool hello_retry_request = false;
};

struct HttpRecord {
  std::string ja4h, ja4h_r, ja4h_ro;
  std::string method, target, version;
  std::string header_order;
  std::optional<std::string> user_agent;
};

struct Http2FrameRecord {
  std::string type;  // "SETTINGS", "WINDOW_UPDATE", "PRIORITY", "HEADERS" ...
  uint8_t flags = 0;
  uint32_t stream_id = 0;
  uint32_t length = 0;
};

// One certificate of a chain: JA4X and its raw form (tls/x509.h), and the issuer and subject
// attributes as FoxIO's Rust tool names them ("issuerCountryName", ...; tls/x509_names.h).
struct CertificateRecord {
  std::string ja4x, ja4x_r;
  std::vector<std::pair<std::string, std::string>> names;
};

// One Certificate message: its chain in the order sent (Rust's `{"x509": [...]}`).
struct CertificateChainRecord {
  std::vector<CertificateRecord> x509;
};

struct StreamRecord {
  std::string file;  // set when several files are analysed
  uint64_t stream = 0;
  std::string transport;    // "tcp" or "udp"
  tcp::IpAddress src, dst;  // src sent the first packet seen
  uint16_t src_port = 0, dst_port = 0;

  std::optional<std::string> ja4t, ja4ts;
  std::optional<std::string> p0f_signature;
  std::optional<uint8_t> ttl_distance;
  std::optional<TlsClientRecord> tls;        // the first ClientHello
  std::optional<TlsClientRecord> tls_retry;  // the second, after a HelloRetryRequest
  std::optional<TlsServerRecord> tls_server;
  std::vector<CertificateChainRecord> tls_certs;  // the server's Certificate messages
  std::optional<std::string> ja4l_c, ja4l_s;      // JA4L (capture/latency.h)
  std::vector<HttpRecord> http;
  std::optional<Fingerprint> akamai;
  std::vector<Http2FrameRecord> http2_frames;  // the client's preface frames, in order sent
  std::vector<std::string> ja4ssh;             // one per 200 SSH packets (ssh/ja4ssh.h)
  std::vector<std::string> ja4d;               // one per DHCP message (capture/dhcp_flow.h)
  std::optional<ssh::SshExtras> ssh_extras;    // HASSH and friends (ssh/session.h)
  std::optional<dns::DnsClient> dns;           // queries to port 53 (capture/dns_flow.h)
  std::optional<quic::TransportParameters> quic_transport_parameters;  // capture/quic_flow.h
  std::optional<quic::Http3Settings> http3;  // with a key log (capture/quic_flow.h)
  std::string identity;  // `analyze --identify`: the identity object as JSON; "" when not asked

  [[nodiscard]] bool has_fingerprint() const noexcept {
    return ja4t || ja4ts || tls || tls_server || !tls_certs.empty() || !http.empty() || akamai ||
           !ja4ssh.empty() || dns || !ja4d.empty();
  }
};

}  // namespace fp::capture
