#pragma once
// QUIC in a UDP flow (RFC 9000, RFC 9001 5.2): a flow whose client sends a v1/v2 Initial packet
// gets its ClientHello, read from the Initial packets' CRYPTO frames, fingerprinted as TLS with
// the QUIC transport (JA4 `q...`), and the server's ServerHello likewise (JA4S). Bounded to
// limits::kMaxQuicInitialDatagrams per direction; buffers are freed once a direction is done.

#include <cstdint>
#include <optional>

#include "capture/latency.h"
#include "capture/record.h"
#include "quic/initial_reader.h"
#include "tcp/packet.h"

namespace fp::capture {

struct AnalyzerCounters;
struct Flow;

class QuicFlow {
 public:
  // `direction` 0 is the client (the flow's first sender).
  void on_datagram(int direction, Bytes payload, StreamRecord& record, AnalyzerCounters& counters);
  [[nodiscard]] bool done() const noexcept { return !client_ && !server_; }
  QuicLatency& latency() noexcept { return latency_; }  // JA4L, fed every datagram

 private:
  void read_client(Bytes payload, StreamRecord& record, AnalyzerCounters& counters);
  void read_server(Bytes payload, StreamRecord& record, AnalyzerCounters& counters);

  std::optional<quic::InitialReader> client_{quic::Sender::kClient};
  std::optional<quic::InitialReader> server_{quic::Sender::kServer};
  std::vector<uint8_t> client_dcid_;  // keys of the server's Initials come from it
  size_t datagrams_[2] = {0, 0};
  QuicLatency latency_;
};

// A UDP datagram of `flow` (from the flow's first sender when `direction` is 0). Starts QUIC
// reading when the client's datagram is an Initial; otherwise the flow stays numbered only.
void add_udp_datagram(Flow& flow, int direction, const tcp::Packet& packet,
                      AnalyzerCounters& counters);

}  // namespace fp::capture
