#include "capture/latency.h"

namespace fp::capture {
namespace {

// How the Rust tool tells the QUIC client (sends to it) from the server (sends from it).
constexpr uint16_t kQuicServerPort = 443;
constexpr uint8_t kLongHeaderBit = 0x80;
constexpr uint32_t kQuicV2 = 0x6b3343cf;  // RFC 9369

enum class QuicType : uint8_t { kInitial, kHandshake, kOther };

// RFC 9000 17.2 (v1) and RFC 9369 3.2 (v2, where the type bits are rotated): the type of the
// long-header packet starting the datagram. Short headers and Version Negotiation: kOther.
QuicType first_packet_type(Bytes datagram) {
  ByteReader r(datagram);
  const auto first = r.u8();
  const auto version = r.u32();
  if (!first || !version || (*first & kLongHeaderBit) == 0 || *version == 0) {
    return QuicType::kOther;
  }
  const uint8_t bits = (*first >> 4) & 0x03;
  const uint8_t initial = *version == kQuicV2 ? 1 : 0;
  const uint8_t handshake = *version == kQuicV2 ? 3 : 2;
  if (bits == initial) return QuicType::kInitial;
  if (bits == handshake) return QuicType::kHandshake;
  return QuicType::kOther;
}

enum class Handshake : uint8_t { kSyn, kSynAck, kAck, kOther };

// By the SYN and ACK bits alone, whichever side sent it and whatever other flags it has (an ECN
// SYN counts; so does a data segment's ACK), as the Rust tool reads tshark's tcp.flags.syn/.ack.
Handshake handshake_kind(const tcp::TcpHeader& t) {
  const bool syn = t.has(tcp::flag::kSyn), ack = t.has(tcp::flag::kAck);
  if (syn) return ack ? Handshake::kSynAck : Handshake::kSyn;
  return ack ? Handshake::kAck : Handshake::kOther;
}

}  // namespace

std::string ja4l_value(int64_t earlier_us, int64_t later_us, uint8_t ttl) {
  return std::to_string((later_us - earlier_us) / 2) + "_" + std::to_string(ttl);
}

void TcpLatency::on_packet(const tcp::Packet& p, StreamRecord& record) {
  const Handshake kind = handshake_kind(p.tcp);
  switch (step_) {
    case Step::kSyn:
      if (kind != Handshake::kSyn) return;
      syn_us_ = p.timestamp_us;
      client_ttl_ = p.outer_ttl;
      step_ = Step::kSynAck;
      return;
    case Step::kSynAck:
      if (kind != Handshake::kSynAck) return;
      syn_ack_us_ = p.timestamp_us;
      server_ttl_ = p.outer_ttl;
      step_ = Step::kAck;
      return;
    case Step::kAck:
      if (kind != Handshake::kAck) return;
      record.ja4l_c = ja4l_value(syn_ack_us_, p.timestamp_us, client_ttl_);
      record.ja4l_s = ja4l_value(syn_us_, syn_ack_us_, server_ttl_);
      step_ = Step::kDone;
      return;
    case Step::kDone:
      return;
  }
}

void QuicLatency::on_datagram(const tcp::Packet& p, StreamRecord& record) {
  if (step_ == Step::kDone) return;
  const bool from_client = p.udp.dst_port == kQuicServerPort;
  if (!from_client && p.udp.src_port != kQuicServerPort) return;
  const QuicType type = first_packet_type(p.payload);
  if (type == QuicType::kOther) return;
  const bool initial = type == QuicType::kInitial;
  switch (step_) {
    case Step::kClientInitial:
      if (!from_client || !initial) return;
      client_initial_us_ = p.timestamp_us;
      client_ttl_ = p.outer_ttl;
      step_ = Step::kServerInitial;
      return;
    case Step::kServerInitial:
      if (from_client || !initial) return;
      server_initial_us_ = p.timestamp_us;
      server_ttl_ = p.outer_ttl;
      step_ = Step::kServerHandshake;
      return;
    case Step::kServerHandshake:
    case Step::kHandshake:
      if (initial) return;
      if (!from_client) {
        server_handshake_us_ = p.timestamp_us;  // the last one before the client's counts
        step_ = Step::kHandshake;
        return;
      }
      if (step_ == Step::kServerHandshake) return;
      record.ja4l_c = ja4l_value(server_handshake_us_, p.timestamp_us, client_ttl_);
      record.ja4l_s = ja4l_value(client_initial_us_, server_initial_us_, server_ttl_);
      step_ = Step::kDone;
      return;
    case Step::kDone:
      return;
  }
}

}  // namespace fp::capture
