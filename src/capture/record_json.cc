#include "capture/record_json.h"

#include "capture/dhcp_flow.h"
#include "capture/dns_flow.h"
#include "capture/quic_flow.h"
#include "capture/ssh_stream.h"
#include "core/json_writer.h"
#include "core/utf8.h"

namespace fp::capture {
namespace {

// Strings from the wire may hold any bytes; JSON output stays valid UTF-8.
void wire_text(JsonWriter& w, std::string_view name, std::string_view text) {
  if (!w.wants(name)) return;  // `--fields` leaves it out: no UTF-8 check
  w.key(name);
  if (is_valid_utf8(text)) {
    w.string(text);
  } else {
    w.string(to_valid_utf8(text));
  }
}

void put(JsonWriter& w, std::string_view name, const std::optional<std::string>& v) {
  if (v) wire_text(w, name, *v);
}

void put_fingerprint(JsonWriter& w, std::string_view raw_key, std::string_view hash_key,
                     const Fingerprint& f) {
  w.member(hash_key, f.hash);
  w.member(raw_key, f.raw);
}

void write_http(JsonWriter& w, const std::vector<HttpRecord>& requests) {
  w.key("http");
  w.begin_array();
  for (const HttpRecord& h : requests) {
    w.begin_object();
    w.member("ja4h", h.ja4h);
    w.member("ja4h_r", h.ja4h_r);
    w.member("ja4h_ro", h.ja4h_ro);
    wire_text(w, "method", h.method);
    wire_text(w, "target", h.target);
    wire_text(w, "version", h.version);
    wire_text(w, "header_order", h.header_order);
    put(w, "user_agent", h.user_agent);
    w.end_object();
  }
  w.end_array();
}

void write_frames(JsonWriter& w, const std::vector<Http2FrameRecord>& frames) {
  w.key("http2_frames");
  w.begin_array();
  for (const Http2FrameRecord& f : frames) {
    w.begin_object();
    w.member("type", f.type);
    w.member("flags", f.flags);
    w.member("stream_id", f.stream_id);
    w.member("length", f.length);
    w.end_object();
  }
  w.end_array();
}

// FoxIO Rust's `tls_certs: [{x509: [{ja4x, <names>}]}]`; our `ja4x_r` sits after `ja4x`, where
// the Rust tool writes it when asked for raw fingerprints (-r).
void write_certs(JsonWriter& w, const std::vector<CertificateChainRecord>& messages) {
  w.key("tls_certs");
  w.begin_array();
  for (const CertificateChainRecord& m : messages) {
    w.begin_object();
    w.key("x509");
    w.begin_array();
    for (const CertificateRecord& c : m.x509) {
      w.begin_object();
      w.member("ja4x", c.ja4x);
      w.member("ja4x_r", c.ja4x_r);
      for (const auto& [name, value] : c.names) wire_text(w, name, value);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

void put_client(JsonWriter& w, const TlsClientRecord& t) {
  w.member("ja4_r", t.ja4_r);
  w.member("ja4_o", t.ja4_o);
  w.member("ja4_ro", t.ja4_ro);
  put_fingerprint(w, "ja4_stable_r", "ja4_stable", t.ja4_stable);
  put_fingerprint(w, "ja3_full", "ja3", t.ja3);
  put_fingerprint(w, "ja3n_full", "ja3n", t.ja3n);
  put_fingerprint(w, "peetprint", "peetprint_hash", t.peetprint);
  if (w.wants("tls_alpn")) {
    w.key("tls_alpn");
    w.begin_array();
    for (const auto& a : t.alpn) w.string(is_valid_utf8(a) ? a : to_valid_utf8(a));
    w.end_array();
  }
  if (t.sslv2_compatible) {
    w.key("tls_sslv2_hello");
    w.boolean(true);
  }
}

void write_retry(JsonWriter& w, const TlsClientRecord& t) {
  w.key("tls_retry");
  w.begin_object();
  w.member("ja4", t.ja4);
  put_client(w, t);
  w.end_object();
}

void write_server(JsonWriter& w, const TlsServerRecord& s) {
  w.member("ja4s_r", s.ja4s_r);
  put_fingerprint(w, "ja3s_full", "ja3s", s.ja3s);
  if (s.hello_retry_request) {
    w.key("tls_hello_retry_request");
    w.boolean(true);
  }
}

// FoxIO's Rust keys first, in its order; ours after them.
void write_record(JsonWriter& w, const StreamRecord& r) {
  w.begin_object();
  if (!r.file.empty()) w.member("file", r.file);
  // A record built from raw inputs without a packet (the API) has no stream or endpoints.
  if (!r.transport.empty()) {
    w.member("stream", r.stream);
    w.member("transport", r.transport);
    if (w.wants("src")) w.member("src", r.src.to_string());
    if (w.wants("dst")) w.member("dst", r.dst.to_string());
    w.member("src_port", r.src_port);
    w.member("dst_port", r.dst_port);
  }
  put(w, "ja4t", r.ja4t);
  if (r.tls) {
    put(w, "tls_server_name", r.tls->server_name);
    w.member("ja4", r.tls->ja4);
  }
  if (r.tls_server) w.member("ja4s", r.tls_server->ja4s);
  if (!r.tls_certs.empty()) write_certs(w, r.tls_certs);
  put(w, "ja4l_c", r.ja4l_c);
  put(w, "ja4l_s", r.ja4l_s);
  if (!r.http.empty()) write_http(w, r.http);
  write_ssh_json(w, r);   // ja4ssh, ssh_extras (capture/ssh_stream.h)
  write_dhcp_json(w, r);  // ja4d (capture/dhcp_flow.h)
  if (r.tls) put_client(w, *r.tls);
  if (r.tls_retry) write_retry(w, *r.tls_retry);
  if (r.tls_server) write_server(w, *r.tls_server);
  put(w, "ja4ts", r.ja4ts);
  if (r.akamai) put_fingerprint(w, "akamai_fingerprint", "akamai_fingerprint_hash", *r.akamai);
  if (!r.http2_frames.empty()) write_frames(w, r.http2_frames);
  put(w, "p0f_signature", r.p0f_signature);
  if (r.ttl_distance) w.member("ttl_distance", *r.ttl_distance);
  write_ssh_raw_json(w, r);                    // hassh_algorithms, hassh_server_algorithms
  write_dns_json(w, r);                        // dns_transport, dns (capture/dns_flow.h)
  write_quic_transport_parameters_json(w, r);  // capture/quic_flow.h
  write_http3_json(w, r);                      // capture/quic_flow.h
  if (!r.identity.empty()) {
    w.key("identity");
    w.raw(r.identity);
  }
  w.end_object();
}

}  // namespace

std::string to_json_line(const StreamRecord& record) {
  std::string out;
  out.reserve(2048);
  append_json_line(record, out);
  return out;
}

void append_json_line(const StreamRecord& record, std::string& out) {
  JsonWriter w(out);
  write_record(w, record);
}

std::string client_hello_json(const TlsClientRecord& hello, int indent) {
  std::string out;
  JsonWriter w(out, indent);
  w.begin_object();
  put(w, "tls_server_name", hello.server_name);
  w.member("ja4", hello.ja4);
  put_client(w, hello);
  w.end_object();
  return out;
}

bool append_json_fields(const StreamRecord& record, const FieldSelection& fields, int indent,
                        std::string& out) {
  const size_t start = out.size();
  JsonWriter w(out, indent, indent > 0 ? 1 : 0);
  w.keep_only(&fields.keys);
  write_record(w, record);
  const size_t identifiers = (record.file.empty() ? 0 : 1) + (record.transport.empty() ? 0 : 1);
  if (w.top_level_members() > identifiers) return true;
  out.resize(start);
  return false;
}

std::string to_json_pretty(const StreamRecord& record, int indent) {
  std::string out;
  JsonWriter w(out, indent, 1);
  write_record(w, record);
  return out;
}

}  // namespace fp::capture
