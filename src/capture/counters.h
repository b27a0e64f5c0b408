#pragma once
// What reading a capture ran into. Counted at the boundary (STYLE.md 22); the parsers below
// only report.

#include <cstdint>

namespace fp::capture {

struct AnalyzerCounters {
  uint64_t frames = 0;
  uint64_t bytes = 0;
  uint64_t not_ip = 0;                 // frames without an IPv4/IPv6 packet (ARP, LLDP ...)
  uint64_t unsupported_link = 0;       // frames of a link type we cannot decode
  uint64_t ip_errors = 0;              // IP/TCP/UDP headers that did not parse
  uint64_t fragments = 0;              // IP fragments without a transport header
  uint64_t truncated = 0;              // packets cut short by the capture's snap length
  uint64_t tls_errors = 0;             // TLS bytes that did not parse as handshake messages
  uint64_t http_errors = 0;            // HTTP/1 heads or HTTP/2 prefaces that did not parse
  uint64_t x509_errors = 0;            // certificates or Certificate messages that did not parse
  uint64_t reassembly_overflows = 0;   // a direction went past limits::kMaxStreamPrefix
  uint64_t flows_evicted = 0;          // flows dropped past limits::kMaxFlows
  uint64_t flows_evicted_bytes = 0;    // live: flows closed early, over the buffered-bytes budget
  uint64_t idle_expired = 0;           // live: flows closed after the idle timeout
  uint64_t dns_errors = 0;             // DNS queries that did not parse (capture/dns_flow.h)
  uint64_t tunnel_layers = 0;          // GRE/ERSPAN/VXLAN/Geneve/GTP-U headers unwrapped
  uint64_t tunnels_too_deep = 0;       // packets still tunnelled after kMaxTunnelDepth layers
  uint64_t ssh_windows_dropped = 0;    // JA4SSH windows past ssh::limits::kMaxJa4sshWindows
  uint64_t dhcp_errors = 0;            // DHCP datagrams that did not parse (capture/dhcp_flow.h)
  uint64_t dhcp_dropped = 0;           // JA4D values past dhcp::limits::kMaxJa4dPerFlow
  uint64_t tls_decrypted = 0;          // TLS streams opened with a key log (decrypt/)
  uint64_t tls_without_secrets = 0;    // TLS streams the key log had no secrets for
  uint64_t decrypt_auth_failures = 0;  // protected records that did not authenticate
  uint64_t decrypt_limits = 0;         // decrypted streams stopped at a tls_decrypt_flow.h limit
  uint64_t tcp_streams = 0;
  uint64_t udp_streams = 0;
  uint64_t records = 0;
};

}  // namespace fp::capture
