#include "capture/tls_decrypt_flow.h"

#include <algorithm>
#include <string_view>

#include "capture/certificates.h"
#include "capture/counters.h"
#include "capture/record_builders.h"
#include "core/limits.h"
#include "http/http1.h"
#include "http/http2.h"

namespace fp::capture {
namespace {

constexpr uint8_t kCertificate = 11;

}  // namespace

void TlsDecryptFlow::on_segment(int direction, const tcp::Packet& packet, StreamRecord& record,
                                AnalyzerCounters& counters) {
  if (done_) return;
  uint32_t data_seq = packet.tcp.seq;
  if (packet.tcp.has(tcp::flag::kSyn)) {
    bytes_[direction].on_syn(packet.tcp.seq);
    ++data_seq;
  }
  if (packet.payload.empty()) return;
  bytes_[direction].add_segment(data_seq, packet.payload);
  record_ = &record;
  counters_ = &counters;
  pump();
  record_ = nullptr;
  counters_ = nullptr;
}

void TlsDecryptFlow::finish(StreamRecord& record, AnalyzerCounters& counters) {
  record_ = &record;
  counters_ = &counters;
  if (app_ == App::kHttp2 && !preface_added_) add_preface(true);
  const decrypt::SessionCounters& c = session_.counters();
  counters.decrypt_auth_failures += c.auth_failures;
  if (c.records_opened > 0) ++counters.tls_decrypted;
  if (session_.status() == decrypt::SessionStatus::kNoSecrets) ++counters.tls_without_secrets;
  record_ = nullptr;
  counters_ = nullptr;
  done_ = true;
  bytes_[0].release();
  bytes_[1].release();
}

// Feeds both directions until neither moves: the client's protected records wait for the
// server's hello, which a later segment brings.
void TlsDecryptFlow::pump() {
  for (bool progress = true; progress;) {
    progress = false;
    for (int direction = 0; direction < 2; ++direction) {
      TcpDirection& d = bytes_[direction];
      if (d.released()) continue;
      const size_t used = session_.on_bytes(direction, d.available(), *this);
      if (used > 0) {
        d.consume(used);
        progress = true;
      }
      if (session_.finished(direction)) d.release();
    }
  }
  done_ = bytes_[0].released() && bytes_[1].released();
}

void TlsDecryptFlow::on_handshake_message(int direction, uint8_t type, Bytes body, bool encrypted) {
  // TLS 1.0-1.2 certificates are plaintext: the stream analyzer reads those.
  if (direction == 1 && encrypted && type == kCertificate && session_.tls13()) {
    add_certificates(body, true, *record_, *counters_);
  }
}

void TlsDecryptFlow::on_application_data(int direction, Bytes data) {
  if (direction != 0 || app_ == App::kDone) return;
  plaintext_total_ += data.size();
  if (plaintext_total_ > kMaxDecryptedBytes) {
    ++counters_->decrypt_limits;
    stop_application();
    return;
  }
  plaintext_.insert(plaintext_.end(), data.begin(), data.end());
  if (app_ == App::kHttp2 && !preface_added_ && preface_.size() < limits::kMaxStreamPrefix) {
    const size_t take = std::min(data.size(), limits::kMaxStreamPrefix - preface_.size());
    preface_.insert(preface_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
  }
  read_application();
  if (app_ != App::kDone && plaintext_.size() > kMaxPendingPlaintext) {
    ++counters_->decrypt_limits;
    stop_application();
  }
}

void TlsDecryptFlow::read_application() {
  if (app_ == App::kUnknown) {
    const http::MagicMatch h2 = http::match_http2_magic(plaintext_);
    if (h2 == http::MagicMatch::kMaybe) return;  // wait for the rest of the magic
    if (h2 == http::MagicMatch::kYes) {
      app_ = App::kHttp2;
      http2_.emplace();
      preface_ = plaintext_;
    } else if (http::looks_like_http1_request(plaintext_)) {
      app_ = App::kHttp1;
    } else {
      stop_application();  // another protocol inside TLS
      return;
    }
  }
  if (app_ == App::kHttp1) read_http1();
  if (app_ == App::kHttp2) read_http2();
}

void TlsDecryptFlow::read_http1() {
  size_t used = 0;
  while (app_ == App::kHttp1) {
    const Bytes rest = Bytes(plaintext_).subspan(used);
    if (body_to_skip_ > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(body_to_skip_, rest.size()));
      used += n;
      body_to_skip_ -= n;
      if (body_to_skip_ > 0) break;
      continue;
    }
    if (rest.empty()) break;
    const http::Http1Parse parsed = http::parse_http1_request(rest);
    if (parsed.status == http::ParseStatus::kNeedMore) break;
    if (parsed.status == http::ParseStatus::kError) {
      if (requests_ == 0) ++counters_->http_errors;
      stop_application();
      return;
    }
    record_->http.push_back(http_record(parsed.request));
    used += parsed.consumed;
    body_to_skip_ = http::declared_body_length(parsed.request);
    if (++requests_ >= kMaxDecryptedRequests) {
      ++counters_->decrypt_limits;
      stop_application();
      return;
    }
  }
  plaintext_.erase(plaintext_.begin(), plaintext_.begin() + static_cast<std::ptrdiff_t>(used));
}

void TlsDecryptFlow::read_http2() {
  if (!preface_added_) add_preface(false);
  std::vector<http::HttpRequest> requests;
  auto used = http2_->feed(plaintext_, requests);
  for (const http::HttpRequest& request : requests) {
    if (requests_ >= kMaxDecryptedRequests) break;
    record_->http.push_back(http_record(request));
    ++requests_;
  }
  if (!used) {
    ++counters_->http_errors;
    stop_application();
    return;
  }
  if (requests_ >= kMaxDecryptedRequests) {
    ++counters_->decrypt_limits;
    stop_application();
    return;
  }
  plaintext_.erase(plaintext_.begin(), plaintext_.begin() + static_cast<std::ptrdiff_t>(*used));
}

// The Akamai fingerprint and frame list of the preface; its first request is already among the
// requests the reader returns, so it is not added twice.
void TlsDecryptFlow::add_preface(bool final) {
  auto preface = http::parse_http2_preface(preface_);
  const bool complete = preface && preface->complete;
  if (!complete && !final && preface_.size() < limits::kMaxStreamPrefix) return;
  preface_added_ = true;
  preface_ = {};
  if (!preface) return;
  const size_t requests_before = record_->http.size();
  add_http2_preface(*preface, *record_);
  record_->http.resize(requests_before);  // the request reader gives the first request too
}

void TlsDecryptFlow::stop_application() {
  app_ = App::kDone;
  plaintext_ = {};
  preface_ = {};
  http2_.reset();
  session_.stop(0);
}

}  // namespace fp::capture
