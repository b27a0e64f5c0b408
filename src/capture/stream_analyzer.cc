#include "capture/stream_analyzer.h"

#include <algorithm>
#include <string_view>

#include "capture/certificates.h"
#include "capture/counters.h"
#include "capture/dns_flow.h"
#include "capture/record_builders.h"
#include "capture/ssh_stream.h"
#include "core/limits.h"
#include "http/akamai.h"
#include "http/http1.h"
#include "http/http2.h"
#include "tcp/ja4t.h"
#include "tls/handshake.h"

namespace fp::capture {
namespace {

constexpr uint8_t kTlsHandshakeRecord = 0x16;
constexpr uint8_t kSslv2LengthBit = 0x80;
constexpr uint8_t kSslv2ClientHello = 0x01;
constexpr uint16_t kSocksPort = 1080;  // where tshark's SOCKS dissector is registered

bool starts_like_tls(Bytes b) {
  if (b[0] == kTlsHandshakeRecord) return b.size() < 2 || b[1] == 0x03;
  return (b[0] & kSslv2LengthBit) != 0 && (b.size() < 3 || b[2] == kSslv2ClientHello);
}

}  // namespace

void TcpStreamAnalyzer::on_segment(int direction, const tcp::Packet& packet, StreamRecord& record,
                                   AnalyzerCounters& counters) {
  if (compute_ & kJa4l) latency_.on_packet(packet, record);  // JA4L (capture/latency.h)
  feed_ssh(ssh_, direction, packet);  // JA4SSH counts every packet (capture/ssh_stream.h)
  if (decrypt_) decrypt_->on_segment(direction, packet, record, counters);  // HTTP in HTTPS
  const tcp::TcpHeader& t = packet.tcp;
  Direction& d = directions_[direction];
  uint32_t data_seq = t.seq;
  if (socks_granted_ && !tunnel_numbered_ && !packet.payload.empty() &&
      (t.src_port == kSocksPort || t.dst_port == kSocksPort)) {
    tunnel_numbered_ = tunnel_number_due_ = true;
  }
  if (t.has(tcp::flag::kSyn)) {
    on_syn(direction, packet, record);
    d.bytes.on_syn(t.seq);
    ++data_seq;  // data carried on a SYN (TCP Fast Open) starts one past its sequence number
  }
  if (d.state == State::kDone || packet.payload.empty()) return;
  const bool overflowed = d.bytes.overflowed();
  d.bytes.add_segment(data_seq, packet.payload);
  if (!overflowed && d.bytes.overflowed()) ++counters.reassembly_overflows;
  consume(direction, record, counters, false);
}

void TcpStreamAnalyzer::finish(StreamRecord& record, AnalyzerCounters& counters) {
  finish_ssh(ssh_, record, counters);
  if (decrypt_) decrypt_->finish(record, counters);
  for (int direction = 0; direction < 2; ++direction) {
    Direction& d = directions_[direction];
    if (d.state != State::kDone) consume(direction, record, counters, true);
    stop(d);
  }
}

void TcpStreamAnalyzer::on_syn(int direction, const tcp::Packet& packet, StreamRecord& record) {
  const bool ack = packet.tcp.has(tcp::flag::kAck);
  if (!ack && !client_syn_seen_ && direction == 0) {
    client_syn_seen_ = true;
    add_syn(packet, record, compute_);
  } else if (ack && !server_syn_ack_seen_) {
    server_syn_ack_seen_ = true;
    record.ja4ts = tcp::ja4ts(packet.tcp);
  }
}

void TcpStreamAnalyzer::consume(int direction, StreamRecord& record, AnalyzerCounters& counters,
                                bool final) {
  Direction& d = directions_[direction];
  if (d.state == State::kUnknown) classify(direction, record, counters, final);
  switch (d.state) {
    case State::kTls:
      read_tls(d, record, counters, final);
      break;
    case State::kHttp1:
      read_http1(d, record, counters);
      break;
    case State::kHttp2:
      read_http2(d, record, counters, final);
      break;
    case State::kDns:  // capture/dns_flow.h
      if (read_dns_stream(direction, d.bytes, record, counters, final)) stop(d);
      break;
    case State::kUnknown:
      if (final) stop(d);
      break;
    case State::kDone:
      break;
  }
}

void TcpStreamAnalyzer::classify(int direction, StreamRecord& record, AnalyzerCounters& counters,
                                 bool final) {
  Direction& d = directions_[direction];
  if (is_dns_stream(record)) d.state = State::kDns;  // TCP port 53 (capture/dns_flow.h)
  while (d.state == State::kUnknown && !d.bytes.available().empty()) {
    const ProxyStep step = skip_proxy(direction, record, counters, final);
    if (step == ProxyStep::kWait) return;
    if (step == ProxyStep::kNone) {
      classify_payload(d);
      return;
    }
  }
}

TcpStreamAnalyzer::ProxyStep TcpStreamAnalyzer::skip_proxy(int direction, StreamRecord& record,
                                                           AnalyzerCounters& counters, bool final) {
  const int other = 1 - direction;
  const bool replying =
      proxy_client_ == other || (proxy_client_ < 0 && directions_[other].proxy_pending);
  return replying ? skip_proxy_reply(direction, final)
                  : skip_proxy_request(direction, record, counters, final);
}

TcpStreamAnalyzer::ProxyStep TcpStreamAnalyzer::skip_proxy_request(int direction,
                                                                   StreamRecord& record,
                                                                   AnalyzerCounters& counters,
                                                                   bool final) {
  Direction& d = directions_[direction];
  if (proxy_request_count_ == kMaxProxyHandshakes) return ProxyStep::kNone;
  const ProxyScan scan = scan_proxy_request(d.bytes.available());
  d.proxy_pending = scan.status == ProxyStatus::kNeedMore && !final && !d.bytes.overflowed();
  if (d.proxy_pending) return ProxyStep::kWait;
  if (scan.status != ProxyStatus::kDone) return ProxyStep::kNone;
  proxy_client_ = static_cast<int8_t>(direction);
  proxy_requests_[proxy_request_count_++] = scan.kind;
  if (scan.kind == ProxyKind::kHttpConnect) {
    add_connect_request(d.bytes.available().first(scan.consumed), record, counters);
  }
  d.bytes.consume(scan.consumed);
  // The other side may hold a reply that waited for this request.
  Direction& other = directions_[1 - direction];
  if (other.state == State::kUnknown) consume(1 - direction, record, counters, final);
  return ProxyStep::kSkipped;
}

TcpStreamAnalyzer::ProxyStep TcpStreamAnalyzer::skip_proxy_reply(int direction, bool final) {
  Direction& d = directions_[direction];
  const bool can_wait = !final && !d.bytes.overflowed();
  if (proxy_reply_count_ == proxy_request_count_) {
    // A reply that came before the request it answers (the client's greeting is complete, its
    // request not yet): wait for the request.
    return directions_[1 - direction].proxy_pending && can_wait ? ProxyStep::kWait
                                                                : ProxyStep::kNone;
  }
  const ProxyScan scan = scan_proxy_reply(proxy_requests_[proxy_reply_count_], d.bytes.available());
  if (scan.status == ProxyStatus::kNeedMore && can_wait) return ProxyStep::kWait;
  if (scan.status != ProxyStatus::kDone) return ProxyStep::kNone;
  ++proxy_reply_count_;
  if (!scan.granted) {
    stop(d);  // refused: no tunnel follows, and a stopped direction ends classify's loop
    return ProxyStep::kSkipped;
  }
  d.bytes.consume(scan.consumed);
  if (proxy_requests_[proxy_reply_count_ - 1] != ProxyKind::kHttpConnect) socks_granted_ = true;
  return ProxyStep::kSkipped;
}

// The references fingerprint the CONNECT request itself with JA4H, as any HTTP/1 request.
void TcpStreamAnalyzer::add_connect_request(Bytes head, StreamRecord& record,
                                            AnalyzerCounters& counters) {
  const http::Http1Parse parsed = http::parse_http1_request(head);
  if (parsed.status != http::ParseStatus::kDone) {
    ++counters.http_errors;
    return;
  }
  if (record.http.size() < limits::kMaxHttpRequestsPerStream) {
    record.http.push_back(http_record(parsed.request));
  }
}

void TcpStreamAnalyzer::classify_payload(Direction& d) {
  const Bytes b = d.bytes.available();
  if (b.empty()) return;
  if (starts_like_tls(b)) {
    d.state = State::kTls;
    return;
  }
  const http::MagicMatch h2 = http::match_http2_magic(b);
  if (h2 == http::MagicMatch::kYes) {
    d.state = State::kHttp2;
  } else if (h2 == http::MagicMatch::kMaybe) {
    return;  // wait for the rest of the magic
  } else if (http::looks_like_http1_request(b)) {
    d.state = State::kHttp1;
  } else {
    stop(d);
  }
}

void TcpStreamAnalyzer::read_tls(Direction& d, StreamRecord& record, AnalyzerCounters& counters,
                                 bool final) {
  const tls::HandshakeScan scan = tls::scan_handshake(d.bytes.available());
  if (scan.status == tls::ScanStatus::kNeedMore && !final && !d.bytes.overflowed()) return;
  if (scan.status == tls::ScanStatus::kError) ++counters.tls_errors;
  for (const tls::HandshakeMessage& m : scan.messages) {
    if (m.type == static_cast<uint8_t>(tls::HandshakeType::kClientHello)) {
      auto hello = scan.sslv2_client_hello ? tls::parse_sslv2_client_hello(m.body)
                                           : tls::parse_client_hello(m.body);
      if (!hello) {
        ++counters.tls_errors;
        continue;
      }
      hello->record_version = m.record_version;
      auto& slot = record.tls ? record.tls_retry : record.tls;
      if (!slot) slot = client_record(*hello, compute_);
    } else if (m.type == static_cast<uint8_t>(tls::HandshakeType::kServerHello)) {
      if (!(compute_ & kServerHello)) {  // `--fields` without it: seen (the record is kept)
        if (!record.tls_server) record.tls_server.emplace();
        continue;
      }
      auto hello = tls::parse_server_hello(m.body);
      if (!hello) {
        ++counters.tls_errors;
        continue;
      }
      hello->record_version = m.record_version;
      if (!record.tls_server) record.tls_server = server_record(*hello, compute_);
    } else if (m.type == static_cast<uint8_t>(tls::HandshakeType::kCertificate) &&
               (compute_ & kJa4x)) {
      add_certificates(m.body, false, record, counters);  // plaintext: TLS 1.2 and older
    }
  }
  stop(d);
}

void TcpStreamAnalyzer::read_http1(Direction& d, StreamRecord& record, AnalyzerCounters& counters) {
  while (d.state == State::kHttp1) {
    if (d.body_to_skip > 0) {
      const size_t n =
          static_cast<size_t>(std::min<uint64_t>(d.body_to_skip, d.bytes.available().size()));
      d.bytes.consume(n);
      d.body_to_skip -= n;
      if (d.body_to_skip > 0) return;
    }
    const Bytes b = d.bytes.available();
    if (b.empty()) return;
    const http::Http1Parse parsed = http::parse_http1_request(b);
    if (parsed.status == http::ParseStatus::kNeedMore) {
      if (d.bytes.overflowed()) stop(d);
      return;
    }
    if (parsed.status == http::ParseStatus::kError) {
      // Bytes after a request that are not another request (a pipelined body we could not
      // size, or another protocol after an Upgrade) end the HTTP/1 reading quietly.
      if (record.http.empty()) ++counters.http_errors;
      stop(d);
      return;
    }
    record.http.push_back(http_record(parsed.request));
    d.bytes.consume(parsed.consumed);
    d.body_to_skip = http::declared_body_length(parsed.request);
    if (record.http.size() >= limits::kMaxHttpRequestsPerStream) stop(d);
  }
}

void TcpStreamAnalyzer::read_http2(Direction& d, StreamRecord& record, AnalyzerCounters& counters,
                                   bool final) {
  auto preface = http::parse_http2_preface(d.bytes.available());
  const bool complete = preface && preface->complete;
  if (!complete && !final && !d.bytes.overflowed()) return;
  if (!preface) {
    if (preface.error() != http::Http2Error::kTruncated) ++counters.http_errors;
    stop(d);
    return;
  }
  add_http2_preface(*preface, record);
  stop(d);
}

void TcpStreamAnalyzer::stop(Direction& d) {
  d.state = State::kDone;
  d.bytes.release();
}

}  // namespace fp::capture
