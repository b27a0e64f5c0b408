#pragma once
// Wire bytes for TCP unit tests: IPv4 / IPv6 (with extension headers) carrying TCP or UDP.
// Checksums are left zero; nothing under test reads them.

#include <arpa/inet.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tcp/packet.h"

namespace fp::tcp::test {

using Wire = std::vector<uint8_t>;

inline void put16(Wire& w, uint16_t v) {
  w.push_back(v >> 8);
  w.push_back(v & 0xFF);
}
inline void put32(Wire& w, uint32_t v) {
  put16(w, v >> 16);
  put16(w, v & 0xFFFF);
}
inline Wire cat(std::initializer_list<Wire> parts) {
  Wire out;
  for (const Wire& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// TCP options.
inline Wire mss(uint16_t v) { return {2, 4, uint8_t(v >> 8), uint8_t(v & 0xFF)}; }
inline Wire ws(uint8_t v) { return {3, 3, v}; }
inline Wire sok() { return {4, 2}; }
inline Wire ts(uint32_t a, uint32_t b) {
  Wire w{8, 10};
  put32(w, a);
  put32(w, b);
  return w;
}
inline Wire nop() { return {1}; }
inline Wire eol() { return {0}; }
// Linux 5.x+ SYN layout: mss,sok,ts,nop,ws.
inline Wire linux_options(uint16_t m = 1460, uint32_t ts1 = 1, uint8_t scale = 7) {
  return cat({mss(m), sok(), ts(ts1, 0), nop(), ws(scale)});
}

struct TcpSpec {
  uint16_t sport = 40000, dport = 443;
  uint32_t seq = 1000, ack = 0;
  uint8_t flags = flag::kSyn;
  uint8_t reserved = 0;
  uint16_t window = 64240, urgent = 0;
  Wire options{};  // padded with zeros to a multiple of 4
  Wire payload{};
  int data_offset = -1;  // in 32-bit words; -1: from the options
};

inline Wire tcp_segment(const TcpSpec& s) {
  Wire opts = s.options;
  while (opts.size() % 4) opts.push_back(0);
  const int words = s.data_offset >= 0 ? s.data_offset : int(5 + opts.size() / 4);
  Wire w;
  put16(w, s.sport);
  put16(w, s.dport);
  put32(w, s.seq);
  put32(w, s.ack);
  w.push_back(uint8_t(words << 4 | (s.reserved & 0x0F)));
  w.push_back(s.flags);
  put16(w, s.window);
  put16(w, 0);
  put16(w, s.urgent);
  return cat({w, opts, s.payload});
}

inline Wire udp_datagram(uint16_t sport, uint16_t dport, const Wire& payload, int length = -1) {
  Wire w;
  put16(w, sport);
  put16(w, dport);
  put16(w, uint16_t(length >= 0 ? length : 8 + payload.size()));
  put16(w, 0);
  return cat({w, payload});
}

inline Wire address(int family, const char* text) {
  Wire w(family == AF_INET ? 4 : 16);
  inet_pton(family, text, w.data());
  return w;
}

struct Ipv4Spec {
  uint8_t ttl = 64, tos = 0, protocol = 6;
  uint16_t id = 0x1234;
  bool df = true, mf = false, reserved = false;
  uint16_t fragment_offset = 0;
  Wire options{};         // padded with zeros to a multiple of 4
  int total_length = -1;  // -1: computed
  int ihl = -1;           // -1: computed
  const char* src = "10.0.0.1";
  const char* dst = "10.0.0.2";
};

inline Wire ipv4(const Ipv4Spec& s, const Wire& upper) {
  Wire opts = s.options;
  while (opts.size() % 4) opts.push_back(0);
  const int ihl = s.ihl >= 0 ? s.ihl : int(5 + opts.size() / 4);
  Wire w{uint8_t(0x40 | ihl), s.tos};
  put16(w, uint16_t(s.total_length >= 0 ? s.total_length : 20 + opts.size() + upper.size()));
  put16(w, s.id);
  put16(w, uint16_t((s.reserved ? 0x8000 : 0) | (s.df ? 0x4000 : 0) | (s.mf ? 0x2000 : 0) |
                    s.fragment_offset));
  w.push_back(s.ttl);
  w.push_back(s.protocol);
  put16(w, 0);
  return cat({w, address(AF_INET, s.src), address(AF_INET, s.dst), opts, upper});
}

struct ExtensionHeader {
  uint8_t type;  // 0, 43, 60: body padded to 8n-2; 44: 6-byte body; 51: body of 4n-2
  Wire body{};
};

struct Ipv6Spec {
  uint8_t hop_limit = 64, traffic_class = 0, protocol = 6;
  uint32_t flow_label = 0;
  std::vector<ExtensionHeader> extensions{};
  int payload_length = -1;
  const char* src = "2001:db8::1";
  const char* dst = "2001:db8::2";
};

inline Wire extension_bytes(const ExtensionHeader& e, uint8_t next) {
  Wire body = e.body;
  if (e.type == 44) return cat({{next, 0}, body});
  if (e.type == 51) return cat({{next, uint8_t((2 + body.size()) / 4 - 2)}, body});
  while ((body.size() + 2) % 8) body.push_back(0);
  return cat({{next, uint8_t((2 + body.size()) / 8 - 1)}, body});
}

inline Wire ipv6(const Ipv6Spec& s, const Wire& upper) {
  Wire ext;
  for (size_t i = 0; i < s.extensions.size(); ++i) {
    const uint8_t next = i + 1 < s.extensions.size() ? s.extensions[i + 1].type : s.protocol;
    ext = cat({ext, extension_bytes(s.extensions[i], next)});
  }
  Wire w;
  put32(w, 6u << 28 | uint32_t(s.traffic_class) << 20 | s.flow_label);
  put16(w, uint16_t(s.payload_length >= 0 ? s.payload_length : ext.size() + upper.size()));
  w.push_back(s.extensions.empty() ? s.protocol : s.extensions[0].type);
  w.push_back(s.hop_limit);
  return cat({w, address(AF_INET6, s.src), address(AF_INET6, s.dst), ext, upper});
}

// Fragment header body: offset in 8-byte units, more-fragments flag, identification.
inline Wire fragment_body(uint16_t offset, bool more, uint32_t id = 7) {
  Wire w;
  put16(w, uint16_t(offset << 3 | (more ? 1 : 0)));
  put32(w, id);
  return w;
}

}  // namespace fp::tcp::test
