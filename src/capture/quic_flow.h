#pragma once
// QUIC in a UDP flow (RFC 9000, RFC 9001 5.2): a flow whose client sends a v1/v2 Initial packet
// gets its ClientHello, read from the Initial packets' CRYPTO frames, fingerprinted as TLS with
// the QUIC transport (JA4 `q...`), and the server's ServerHello likewise (JA4S). Bounded to
// limits::kMaxQuicInitialDatagrams per direction; buffers are freed once a direction is done.

#include <cstdint>
#include <optional>

#include "capture/latency.h"
#include "capture/record.h"
#include "quic/control_stream.h"
#include "quic/initial_reader.h"
#include "tcp/packet.h"

namespace fp {
class JsonWriter;
}
namespace fp::decrypt {
class KeyLog;
}

namespace fp::capture {

struct AnalyzerCounters;
struct Flow;

class QuicFlow {
 public:
  // With a key log that has the connection's CLIENT_TRAFFIC_SECRET_0, the client's 1-RTT
  // packets are opened for its HTTP/3 SETTINGS (quic/control_stream.h, record `http3`).
  explicit QuicFlow(const decrypt::KeyLog* key_log = nullptr) noexcept : key_log_(key_log) {}

  // `direction` 0 is the client (the flow's first sender).
  void on_datagram(int direction, Bytes payload, StreamRecord& record, AnalyzerCounters& counters);
  [[nodiscard]] bool done() const noexcept { return !client_ && !server_ && !control_; }
  QuicLatency& latency() noexcept { return latency_; }  // JA4L, fed every datagram

 private:
  void read_client(Bytes payload, StreamRecord& record, AnalyzerCounters& counters);
  void read_server(Bytes payload, StreamRecord& record, AnalyzerCounters& counters);
  void start_control(AnalyzerCounters& counters);
  void read_control(Bytes payload, StreamRecord& record, AnalyzerCounters& counters);

  std::optional<quic::InitialReader> client_{quic::Sender::kClient};
  std::optional<quic::InitialReader> server_{quic::Sender::kServer};
  std::vector<uint8_t> client_dcid_;  // keys of the server's Initials come from it
  size_t datagrams_[2] = {0, 0};
  // HTTP/3 SETTINGS: what the keys need, gathered from both hellos.
  const decrypt::KeyLog* key_log_ = nullptr;
  std::vector<uint8_t> client_random_;
  std::vector<uint8_t> server_scid_;  // the DCID of the client's 1-RTT packets
  uint16_t cipher_suite_ = 0;
  uint32_t version_ = 0;
  std::optional<quic::ControlStreamReader> control_;
  size_t control_datagrams_ = 0;
  QuicLatency latency_;
};

// The record's `quic_transport_parameters` object, when it has one (record_json.cc):
// {fingerprint, fingerprint_raw, duplicate_ids, parameters: [{id, name, value, number}]}, the
// parameters in wire order, `value` as hex, `name` and `number` only where known.
void write_quic_transport_parameters_json(JsonWriter& w, const StreamRecord& record);
// The record's `http3` object, when it has one: {fingerprint, fingerprint_raw, settings:
// [{id, value}]} in wire order (quic/http3_settings.h).
void write_http3_json(JsonWriter& w, const StreamRecord& record);

// A UDP datagram of `flow` (from the flow's first sender when `direction` is 0). Starts QUIC
// reading when the client's datagram is an Initial; otherwise the flow stays numbered only.
// `key_log` (may be null) opens the 1-RTT packets of QUIC flows made now.
void add_udp_datagram(Flow& flow, int direction, const tcp::Packet& packet,
                      AnalyzerCounters& counters, const decrypt::KeyLog* key_log = nullptr);

}  // namespace fp::capture
