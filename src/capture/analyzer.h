#pragma once
// Frames of a capture in, one StreamRecord per TCP/UDP stream out (to a sink, as each stream
// ends, so memory stays flat however long the capture).

#include <functional>

#include "capture/counters.h"
#include "capture/flow_table.h"
#include "capture/pcap_reader.h"
#include "capture/record.h"

namespace fp::capture {

// What only a live capture turns on (0: off, as `analyze` runs).
struct LiveLimits {
  int64_t idle_timeout_us = 0;      // a flow with no packet for this long is emitted
  uint64_t max_buffered_bytes = 0;  // stream bytes buffered across flows (flow_table.h)
};

class Analyzer {
 public:
  using Sink = std::function<void(StreamRecord&&)>;
  explicit Analyzer(Sink sink, size_t max_flows = limits_max_flows());
  Analyzer(Sink sink, size_t max_flows, const LiveLimits& live);

  // TLS secrets to decrypt with (`--keylog`, a pcapng's secrets blocks); `key_log` outlives
  // the analyzer. Set before the first frame.
  void set_key_log(const decrypt::KeyLog* key_log) noexcept { flows_.set_key_log(key_log); }
  // Only these fingerprints are computed (`analyze --fields`; record_fields.h). Set before the
  // first frame.
  void set_fingerprints(FingerprintMask compute) noexcept { flows_.set_fingerprints(compute); }

  void add_frame(const Frame& frame);
  // `ip` starts at the IP header.
  void add_ip_packet(int64_t timestamp_us, Bytes ip);
  // End of input: every open stream is fingerprinted and emitted, in stream order.
  void finish();
  // Live: emits the flows idle at `now_us` (packet time; called on a timer when the link is
  // quiet). Nothing without an idle timeout.
  void expire_idle(int64_t now_us);
  [[nodiscard]] uint64_t buffered_bytes() const noexcept { return flows_.buffered_bytes(); }

  [[nodiscard]] const AnalyzerCounters& counters() const noexcept { return counters_; }

 private:
  static size_t limits_max_flows();
  void add_tcp(const tcp::Packet& packet);

  AnalyzerCounters counters_;
  tcp::Packet packet_;  // every frame is parsed into this one (tcp/packet.h)
  FlowTable flows_;
  LiveLimits live_;
};

}  // namespace fp::capture
