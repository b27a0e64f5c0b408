#pragma once
// What one TCP stream's two directions carry: finds TLS, HTTP/1 or HTTP/2 (prior knowledge) in
// the first bytes of each direction and fingerprints them into a StreamRecord. Buffers are
// released as soon as a direction has given all it can, so memory per stream stays small.

#include <cstdint>

#include "capture/record.h"
#include "capture/tcp_reassembly.h"
#include "tcp/packet.h"

namespace fp::capture {

struct AnalyzerCounters;

class TcpStreamAnalyzer {
 public:
  // `direction` 0 is the sender of the stream's first packet, 1 the other side.
  void on_segment(int direction, const tcp::Packet& packet, StreamRecord& record,
                  AnalyzerCounters& counters);
  // End of the stream or of the input: fingerprint whatever complete messages were buffered.
  void finish(StreamRecord& record, AnalyzerCounters& counters);

  [[nodiscard]] bool done() const noexcept {
    return directions_[0].state == State::kDone && directions_[1].state == State::kDone;
  }

 private:
  enum class State : uint8_t { kUnknown, kTls, kHttp1, kHttp2, kDone };
  struct Direction {
    TcpDirection bytes;
    State state = State::kUnknown;
    uint64_t body_to_skip = 0;  // HTTP/1 request body bytes still to pass over
  };

  void on_syn(int direction, const tcp::Packet& packet, StreamRecord& record);
  void consume(Direction& d, StreamRecord& record, AnalyzerCounters& counters, bool final);
  void classify(Direction& d);
  void read_tls(Direction& d, StreamRecord& record, AnalyzerCounters& counters, bool final);
  void read_http1(Direction& d, StreamRecord& record, AnalyzerCounters& counters);
  void read_http2(Direction& d, StreamRecord& record, AnalyzerCounters& counters, bool final);
  void stop(Direction& d);

  Direction directions_[2];
  bool client_syn_seen_ = false;
  bool server_syn_ack_seen_ = false;
};

}  // namespace fp::capture
