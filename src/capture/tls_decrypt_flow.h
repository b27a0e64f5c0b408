#pragma once
// HTTP inside HTTPS, for a TCP stream whose TLS secrets are in a key log (--keylog, or the
// capture's own Decryption Secrets Blocks): reassembles both directions whole (the stream
// analyzer keeps only the first bytes), opens the records (decrypt/tls_session.h), and reads
// what the client sent inside: HTTP/1 requests, or HTTP/2 (the preface's Akamai fingerprint and
// frames, and one JA4H per request, all client streams decoded with one HPACK context). The
// server's TLS 1.3 Certificate, encrypted, goes to capture/certificates.h.
// Exists only when a key log is given. Bounded: kMaxDecryptedRequests requests and
// kMaxDecryptedBytes of client plaintext per stream; past either, it stops (counted).

#include <cstdint>
#include <optional>
#include <vector>

#include "capture/record.h"
#include "capture/tcp_reassembly.h"
#include "decrypt/key_log.h"
#include "decrypt/tls_session.h"
#include "http/http2_requests.h"
#include "tcp/packet.h"

namespace fp::capture {

struct AnalyzerCounters;

// Requests read from one decrypted stream (the Rust reference reports every one).
inline constexpr size_t kMaxDecryptedRequests = 64;
// Client plaintext read from one decrypted stream.
inline constexpr uint64_t kMaxDecryptedBytes = 16u << 20;
// Client plaintext held while a request head or HTTP/2 frame is incomplete.
inline constexpr size_t kMaxPendingPlaintext = 1u << 20;

class TlsDecryptFlow final : private decrypt::SessionSink {
 public:
  explicit TlsDecryptFlow(const decrypt::KeyLog& keys) noexcept : session_(keys) {}

  // `direction` 0 is the stream's first sender (the client).
  void on_segment(int direction, const tcp::Packet& packet, StreamRecord& record,
                  AnalyzerCounters& counters);
  void finish(StreamRecord& record, AnalyzerCounters& counters);

  // Stream and plaintext bytes held (a live capture's byte budget).
  [[nodiscard]] uint64_t buffered_bytes() const noexcept {
    return bytes_[0].buffered_bytes() + bytes_[1].buffered_bytes() + plaintext_.size() +
           preface_.size();
  }

 private:
  enum class App : uint8_t { kUnknown, kHttp1, kHttp2, kDone };

  void pump();
  void on_handshake_message(int direction, uint8_t type, Bytes body, bool encrypted) override;
  void on_application_data(int direction, Bytes data) override;
  void read_application();
  void read_http1();
  void read_http2();
  void add_preface(bool final);
  void stop_application();

  decrypt::TlsSession session_;
  TcpDirection bytes_[2];
  bool done_ = false;
  // Set for the length of one on_segment/finish call: where the sink's callbacks write.
  StreamRecord* record_ = nullptr;
  AnalyzerCounters* counters_ = nullptr;

  App app_ = App::kUnknown;
  std::vector<uint8_t> plaintext_;  // client application bytes not yet read
  uint64_t plaintext_total_ = 0;
  uint64_t body_to_skip_ = 0;     // HTTP/1 request body still to pass over
  std::vector<uint8_t> preface_;  // HTTP/2: the first bytes, until the preface is complete
  bool preface_added_ = false;
  std::optional<http::Http2RequestReader> http2_;
  size_t requests_ = 0;
};

}  // namespace fp::capture
