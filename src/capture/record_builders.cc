#include "capture/record_builders.h"

#include <strings.h>

#include "http/akamai.h"
#include "http/ja4h.h"
#include "tcp/ja4t.h"
#include "tcp/p0f.h"
#include "tls/ja3.h"
#include "tls/ja4.h"
#include "tls/peetprint.h"

namespace fp::capture {

TlsClientRecord client_record(const tls::ClientHello& hello, FingerprintMask compute) {
  TlsClientRecord r;
  r.server_name = hello.server_name;
  if (compute & kJa4) {
    tls::Ja4 j = tls::ja4(hello);
    r.ja4 = std::move(j.ja4);
    r.ja4_r = std::move(j.ja4_r);
    r.ja4_o = std::move(j.ja4_o);
    r.ja4_ro = std::move(j.ja4_ro);
  }
  if (compute & kJa4Stable) r.ja4_stable = tls::ja4_stable(hello);
  if (compute & kJa3) r.ja3 = tls::ja3(hello);
  if (compute & kJa3n) r.ja3n = tls::ja3n(hello);
  if (compute & kPeetprint) r.peetprint = tls::peetprint(hello);
  r.alpn = hello.alpn;
  r.sslv2_compatible = hello.sslv2_compatible;
  return r;
}

TlsServerRecord server_record(const tls::ServerHello& hello, FingerprintMask compute) {
  TlsServerRecord r;
  if (compute & kJa4s) {
    tls::Ja4s j = tls::ja4s(hello);
    r.ja4s = std::move(j.ja4s);
    r.ja4s_r = std::move(j.ja4s_r);
  }
  if (compute & kJa3s) r.ja3s = tls::ja3s(hello);
  r.hello_retry_request = hello.hello_retry_request;
  return r;
}

HttpRecord http_record(const http::HttpRequest& request) {
  HttpRecord r;
  http::Ja4h j = http::ja4h(request);
  r.ja4h = std::move(j.ja4h);
  r.ja4h_r = std::move(j.ja4h_r);
  r.ja4h_ro = std::move(j.ja4h_ro);
  r.method = request.method;
  r.target = request.target;
  r.version = request.version;
  r.header_order = http::header_order(request);
  for (const auto& h : request.headers) {
    if (strcasecmp(h.name.c_str(), "user-agent") == 0) {
      r.user_agent = h.value;
      break;
    }
  }
  return r;
}

void add_syn(const tcp::Packet& syn, StreamRecord& record, FingerprintMask compute) {
  record.ja4t = tcp::ja4t(syn.tcp);
  if (!(compute & kP0f)) return;
  tcp::P0fSignature sig = tcp::p0f_signature(syn);
  record.p0f_signature = std::move(sig.raw);
  record.ttl_distance = sig.distance;
}

void add_http2_preface(const http::Http2Preface& preface, StreamRecord& record) {
  record.akamai = http::akamai_fingerprint(preface);
  for (const http::Http2FrameInfo& f : preface.frames) {
    record.http2_frames.push_back(
        {std::string(http::frame_type_name(f.type)), f.flags, f.stream_id, f.length});
  }
  if (preface.request) record.http.push_back(http_record(*preface.request));
}

}  // namespace fp::capture
