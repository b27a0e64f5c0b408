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

// Every counter with its snake_case name, in declaration order: the one list that `analyze
// --stats`, `capture`'s JSON stats line and the tests read, so a new counter is reported
// everywhere by adding it here.
template <typename Visit>
void for_each_counter(const AnalyzerCounters& c, Visit&& visit) {
  visit("frames", c.frames);
  visit("bytes", c.bytes);
  visit("not_ip", c.not_ip);
  visit("unsupported_link", c.unsupported_link);
  visit("ip_errors", c.ip_errors);
  visit("fragments", c.fragments);
  visit("truncated", c.truncated);
  visit("tls_errors", c.tls_errors);
  visit("http_errors", c.http_errors);
  visit("x509_errors", c.x509_errors);
  visit("reassembly_overflows", c.reassembly_overflows);
  visit("flows_evicted", c.flows_evicted);
  visit("flows_evicted_bytes", c.flows_evicted_bytes);
  visit("idle_expired", c.idle_expired);
  visit("dns_errors", c.dns_errors);
  visit("tunnel_layers", c.tunnel_layers);
  visit("tunnels_too_deep", c.tunnels_too_deep);
  visit("ssh_windows_dropped", c.ssh_windows_dropped);
  visit("dhcp_errors", c.dhcp_errors);
  visit("dhcp_dropped", c.dhcp_dropped);
  visit("tls_decrypted", c.tls_decrypted);
  visit("tls_without_secrets", c.tls_without_secrets);
  visit("decrypt_auth_failures", c.decrypt_auth_failures);
  visit("decrypt_limits", c.decrypt_limits);
  visit("tcp_streams", c.tcp_streams);
  visit("udp_streams", c.udp_streams);
  visit("records", c.records);
}

}  // namespace fp::capture
