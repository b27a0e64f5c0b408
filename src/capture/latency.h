#pragma once
// JA4L (FoxIO, spec/JA4L.png; FoxIO License 1.1): the one-way latency of each side in
// microseconds, with the TTL (hop limit) its packets arrived with, as `<latency>_<ttl>`. We
// compute it as FoxIO's Rust tool does (its `ja4l_c` / `ja4l_s` keys), which the Wireshark
// plugin's first two fields agree with; docs/fingerprints.md says where Python differs.
//
// TCP (timestamps A, B, C), by the SYN and ACK bits only, from either side: A the first packet
// with SYN and not ACK, B the first after it with SYN and ACK, C the first after that with ACK
// and not SYN (the client's handshake ACK, or data when that ACK was not captured). JA4L-S =
// (B - A) / 2 with B's TTL; JA4L-C = (C - B) / 2 with A's TTL.
// QUIC (A, B, C, D): the side sending to port 443 is the client. A the client's first Initial,
// B the server's first Initial, C the last server Handshake packet before D, the client's first
// Handshake packet. JA4L-S = (B - A) / 2 with the server's TTL; JA4L-C = (D - C) / 2 with the
// client's. A datagram's type is that of its first QUIC packet.
// Halves are truncated toward zero. Packets that do not fit the expected step are passed over.
// The TTL is tcp::Packet::outer_ttl: in a tunnel, the outer header's, as the references read it.

#include <cstdint>
#include <optional>
#include <string>

#include "capture/record.h"
#include "tcp/packet.h"

namespace fp::capture {

// The TTL the references give JA4L (tshark's first `ip.ttl` of the frame, else its first
// `ipv6.hlim`): fed each IP header of a frame from the outside in.
class TtlAsReferencesRead {
 public:
  void note(const tcp::IpHeader& ip) noexcept {
    auto& slot = ip.version == 4 ? v4_ : v6_;
    if (!slot) slot = ip.ttl;
  }
  [[nodiscard]] uint8_t value() const noexcept { return v4_ ? *v4_ : v6_.value_or(0); }

 private:
  std::optional<uint8_t> v4_, v6_;
};

// "<(later - earlier) / 2>_<ttl>".
[[nodiscard]] std::string ja4l_value(int64_t earlier_us, int64_t later_us, uint8_t ttl);

class TcpLatency {
 public:
  // Each packet of the stream in capture order; sets record.ja4l_c/_s at the third timestamp.
  void on_packet(const tcp::Packet& packet, StreamRecord& record);

 private:
  enum class Step : uint8_t { kSyn, kSynAck, kAck, kDone };
  Step step_ = Step::kSyn;
  int64_t syn_us_ = 0, syn_ack_us_ = 0;
  uint8_t client_ttl_ = 0, server_ttl_ = 0;
};

class QuicLatency {
 public:
  // Each UDP datagram of the flow in capture order; sets record.ja4l_c/_s at the fourth.
  void on_datagram(const tcp::Packet& packet, StreamRecord& record);

 private:
  enum class Step : uint8_t { kClientInitial, kServerInitial, kServerHandshake, kHandshake, kDone };
  Step step_ = Step::kClientInitial;
  int64_t client_initial_us_ = 0, server_initial_us_ = 0, server_handshake_us_ = 0;
  uint8_t client_ttl_ = 0, server_ttl_ = 0;
};

}  // namespace fp::capture
