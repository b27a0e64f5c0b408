// libFuzzer target: parse_ip_packet on arbitrary bytes, then JA4T, JA4TS and the p0f signature of
// every TCP packet (the p0f walk reads options_raw by its own rules). The first two input bytes
// also serve as a peer MSS, so the SYN+ACK window rules run too.
#include <cstddef>
#include <cstdint>

#include "tcp/ja4t.h"
#include "tcp/p0f.h"
#include "tcp/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes bytes(data, size);
  auto packet = fp::tcp::parse_ip_packet(bytes);
  if (!packet.ok()) {
    (void)fp::tcp::describe(packet.error());
    return 0;
  }
  (void)packet->ip.src.to_string();
  if (packet->transport != fp::tcp::Packet::Transport::kTcp) return 0;
  (void)fp::tcp::ja4t(packet->tcp);
  (void)fp::tcp::ja4ts(packet->tcp);
  const uint16_t syn_mss = size >= 2 ? static_cast<uint16_t>(data[0] << 8 | data[1]) : 0;
  (void)fp::tcp::p0f_signature(*packet, 0);
  (void)fp::tcp::p0f_signature(*packet, syn_mss);
  return 0;
}
