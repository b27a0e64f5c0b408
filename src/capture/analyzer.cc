#include "capture/analyzer.h"

#include "capture/encapsulation.h"
#include "capture/latency.h"
#include "capture/link_layer.h"
#include "core/limits.h"

namespace fp::capture {

size_t Analyzer::limits_max_flows() { return limits::kMaxFlows; }

Analyzer::Analyzer(Sink sink, size_t max_flows) : flows_(max_flows, std::move(sink)) {}

Analyzer::Analyzer(Sink sink, size_t max_flows, const LiveLimits& live)
    : flows_(max_flows, std::move(sink)), live_(live) {
  flows_.track_activity(live.max_buffered_bytes);
}

void Analyzer::expire_idle(int64_t now_us) {
  if (live_.idle_timeout_us > 0) flows_.expire_idle(now_us - live_.idle_timeout_us, counters_);
}

void Analyzer::add_frame(const Frame& frame) {
  ++counters_.frames;
  counters_.bytes += frame.data.size();
  if (!link_type_supported(frame.link_type)) {
    ++counters_.unsupported_link;
    return;
  }
  auto ip = ip_packet_of_frame(frame.link_type, frame.data);
  if (!ip) {
    ++counters_.not_ip;
    return;
  }
  add_ip_packet(frame.timestamp_us, *ip);
}

void Analyzer::add_ip_packet(int64_t timestamp_us, Bytes ip) {
  tcp::Packet& packet = packet_;
  std::optional<tcp::PacketError> error = tcp::parse_ip_packet_into(ip, packet);
  // Tunnels are unwrapped before flow lookup, so the flows inside are the ones analysed. tshark
  // numbers the outer UDP stream of a UDP tunnel too (before the inner ones): so do we.
  size_t depth = 0;
  TtlAsReferencesRead ttl;  // JA4L's TTL (capture/latency.h)
  for (; !error && depth < kMaxTunnelDepth; ++depth) {
    ttl.note(packet.ip);
    auto inner = inner_ip_packet(packet);
    // Not a tunnel, or one that carries nothing we decode (a GTP-U echo, PPTP): the packet is
    // analysed as what it is.
    if (!inner &&
        (inner.error() == TunnelError::kNotTunnel || inner.error() == TunnelError::kUnsupported)) {
      break;
    }
    if (packet.transport == tcp::Packet::Transport::kUdp) {
      packet.timestamp_us = timestamp_us;  // the outer flow's activity (live capture)
      int direction = 0;
      (void)flows_.flow_for(packet, direction, counters_);
    }
    if (!inner) {
      if (inner.error() == TunnelError::kNotIp) {
        ++counters_.not_ip;
      } else {
        ++counters_.ip_errors;  // a tunnel header cut short
      }
      return;
    }
    ++counters_.tunnel_layers;
    error = tcp::parse_ip_packet_into(*inner, packet);  // `inner` points into the frame
  }
  if (!error && depth == kMaxTunnelDepth && inner_ip_packet(packet)) ++counters_.tunnels_too_deep;
  if (error) {
    if (*error == tcp::PacketError::kFragment) {
      ++counters_.fragments;
    } else {
      ++counters_.ip_errors;
    }
    return;
  }
  if (packet.truncated) ++counters_.truncated;
  packet.timestamp_us = timestamp_us;
  ttl.note(packet.ip);
  packet.outer_ttl = ttl.value();
  switch (packet.transport) {
    case tcp::Packet::Transport::kTcp:
      add_tcp(packet);
      break;
    case tcp::Packet::Transport::kUdp: {
      int direction = 0;
      Flow& flow = flows_.flow_for(packet, direction, counters_);
      // QUIC (capture/quic_flow.h), its 1-RTT packets opened with the key log if any
      add_udp_datagram(flow, direction, packet, counters_, flows_.key_log());
      break;
    }
    case tcp::Packet::Transport::kOther:
      break;
  }
}

void Analyzer::add_tcp(const tcp::Packet& packet) {
  int direction = 0;
  Flow& flow = flows_.flow_for(packet, direction, counters_);
  if (flow.closed) return;  // late packets of a finished conversation
  flow.analyzer->on_segment(direction, packet, *flow.record, counters_);
  if (flow.analyzer->take_tunnel_stream_number()) flows_.skip_stream_number(/*tcp=*/true);
  if (live_.max_buffered_bytes > 0) {
    flows_.note_buffered(flow, flow.analyzer->buffered_bytes(), counters_);
    if (flow.closed) return;  // over the budget, this flow was the one emitted early
  }
  if (packet.tcp.has(tcp::flag::kFin)) flow.fin[direction] = true;
  const bool ended = packet.tcp.has(tcp::flag::kRst) || (flow.fin[0] && flow.fin[1]);
  if (ended && !flow.analyzer->counts_after_close()) {
    flows_.close(flow, counters_);
  }
}

void Analyzer::finish() { flows_.close_all(counters_); }

}  // namespace fp::capture
