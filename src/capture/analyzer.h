#pragma once
// Frames of a capture in, one StreamRecord per TCP/UDP stream out (to a sink, as each stream
// ends, so memory stays flat however long the capture).

#include <functional>

#include "capture/counters.h"
#include "capture/flow_table.h"
#include "capture/pcap_reader.h"
#include "capture/record.h"

namespace fp::capture {

class Analyzer {
 public:
  using Sink = std::function<void(StreamRecord&&)>;
  explicit Analyzer(Sink sink, size_t max_flows = limits_max_flows());

  void add_frame(const Frame& frame);
  // `ip` starts at the IP header.
  void add_ip_packet(int64_t timestamp_us, Bytes ip);
  // End of input: every open stream is fingerprinted and emitted, in stream order.
  void finish();

  [[nodiscard]] const AnalyzerCounters& counters() const noexcept { return counters_; }

 private:
  static size_t limits_max_flows();
  void add_tcp(const tcp::Packet& packet);

  AnalyzerCounters counters_;
  FlowTable flows_;
};

}  // namespace fp::capture
