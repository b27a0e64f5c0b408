#pragma once
// What one TCP stream's two directions carry: finds TLS, HTTP/1 or HTTP/2 (prior knowledge) in
// the first bytes of each direction and fingerprints them into a StreamRecord. A SOCKS4/5 or
// HTTP CONNECT handshake at the start is skipped on both sides (proxy_handshake.h), and what
// the tunnel carries is read as if the stream started there. Buffers are
// released as soon as a direction has given all it can, so memory per stream stays small.

#include <array>
#include <cstdint>
#include <memory>
#include <utility>

#include "capture/latency.h"
#include "capture/proxy_handshake.h"
#include "capture/record.h"
#include "capture/record_fields.h"
#include "capture/tcp_reassembly.h"
#include "capture/tls_decrypt_flow.h"
#include "ssh/session.h"
#include "tcp/packet.h"

namespace fp::capture {

struct AnalyzerCounters;

class TcpStreamAnalyzer {
 public:
  TcpStreamAnalyzer() = default;
  // With a key log, TLS inside the stream is also decrypted (capture/tls_decrypt_flow.h).
  // `compute`: the fingerprints wanted (record_fields.h).
  TcpStreamAnalyzer(const decrypt::KeyLog* key_log, FingerprintMask compute)
      : decrypt_(key_log ? std::make_unique<TlsDecryptFlow>(*key_log) : nullptr),
        compute_(compute) {}

  // `direction` 0 is the sender of the stream's first packet, 1 the other side.
  void on_segment(int direction, const tcp::Packet& packet, StreamRecord& record,
                  AnalyzerCounters& counters);
  // End of the stream or of the input: fingerprint whatever complete messages were buffered.
  void finish(StreamRecord& record, AnalyzerCounters& counters);

  // tshark's SOCKS dissector (registered on TCP port 1080) opens a conversation for the tunnel
  // when the first bytes after a granted reply pass through it, and that conversation takes the
  // next tcp.stream number. True once per stream, after the packet where that happens.
  [[nodiscard]] bool take_tunnel_stream_number() noexcept {
    return std::exchange(tunnel_number_due_, false);
  }

  // An SSH stream keeps counting packets after both FINs (JA4SSH counts the last ACKs, as
  // tshark's stream holds them): its record waits for the end of the stream or of the input.
  [[nodiscard]] bool counts_after_close() const noexcept { return ssh_.detected(); }

  [[nodiscard]] bool done() const noexcept {
    return directions_[0].state == State::kDone && directions_[1].state == State::kDone;
  }
  // Both directions' buffered bytes (a live capture's byte budget).
  [[nodiscard]] uint64_t buffered_bytes() const noexcept {
    return directions_[0].bytes.buffered_bytes() + directions_[1].bytes.buffered_bytes() +
           (decrypt_ ? decrypt_->buffered_bytes() : 0);
  }

 private:
  std::unique_ptr<TlsDecryptFlow> decrypt_;  // only with a key log
  FingerprintMask compute_ = kAllFingerprints;
  enum class State : uint8_t { kUnknown, kTls, kHttp1, kHttp2, kDns, kDone };
  struct Direction {
    TcpDirection bytes;
    State state = State::kUnknown;
    uint64_t body_to_skip = 0;   // HTTP/1 request body bytes still to pass over
    bool proxy_pending = false;  // its bytes so far are the start of a proxy request
  };
  enum class ProxyStep : uint8_t { kSkipped, kWait, kNone };
  // Proxy handshakes followed per stream: a CONNECT retried after 407, or one proxy inside
  // another's tunnel, takes more than one.
  static constexpr size_t kMaxProxyHandshakes = 4;

  void on_syn(int direction, const tcp::Packet& packet, StreamRecord& record);
  void consume(int direction, StreamRecord& record, AnalyzerCounters& counters, bool final);
  void classify(int direction, StreamRecord& record, AnalyzerCounters& counters, bool final);
  void classify_payload(Direction& d);
  [[nodiscard]] ProxyStep skip_proxy(int direction, StreamRecord& record,
                                     AnalyzerCounters& counters, bool final);
  [[nodiscard]] ProxyStep skip_proxy_request(int direction, StreamRecord& record,
                                             AnalyzerCounters& counters, bool final);
  [[nodiscard]] ProxyStep skip_proxy_reply(int direction, bool final);
  void add_connect_request(Bytes head, StreamRecord& record, AnalyzerCounters& counters);
  void read_tls(Direction& d, StreamRecord& record, AnalyzerCounters& counters, bool final);
  void read_http1(Direction& d, StreamRecord& record, AnalyzerCounters& counters);
  void read_http2(Direction& d, StreamRecord& record, AnalyzerCounters& counters, bool final);
  void stop(Direction& d);

  Direction directions_[2];
  bool client_syn_seen_ = false;
  bool server_syn_ack_seen_ = false;
  std::array<ProxyKind, kMaxProxyHandshakes> proxy_requests_{};
  uint8_t proxy_request_count_ = 0;
  uint8_t proxy_reply_count_ = 0;
  int8_t proxy_client_ = -1;  // the direction that sent the proxy requests
  TcpLatency latency_;
  ssh::SshSession ssh_;             // JA4SSH and HASSH (capture/ssh_stream.h)
  bool socks_granted_ = false;      // a SOCKS reply opened the tunnel
  bool tunnel_numbered_ = false;    // its tcp.stream number has been taken
  bool tunnel_number_due_ = false;  // taken by the last packet, not yet handed to the flow table
};

}  // namespace fp::capture
