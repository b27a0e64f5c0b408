#include "capture/record_json.h"

#include <boost/json.hpp>

#include "core/utf8.h"

namespace fp::capture {
namespace {

namespace json = boost::json;

// Strings from the wire may hold any bytes; JSON output stays valid UTF-8.
json::string text(const std::string& s) { return json::string(to_valid_utf8(s)); }

void put(json::object& o, const char* key, const std::optional<std::string>& v) {
  if (v) o[key] = text(*v);
}

void put_fingerprint(json::object& o, const char* raw_key, const char* hash_key,
                     const Fingerprint& f) {
  o[hash_key] = f.hash;
  o[raw_key] = f.raw;
}

json::array http_array(const std::vector<HttpRecord>& requests) {
  json::array out;
  for (const HttpRecord& h : requests) {
    json::object o;
    o["ja4h"] = h.ja4h;
    o["ja4h_r"] = h.ja4h_r;
    o["ja4h_ro"] = h.ja4h_ro;
    o["method"] = text(h.method);
    o["target"] = text(h.target);
    o["version"] = text(h.version);
    o["header_order"] = text(h.header_order);
    if (h.user_agent) o["user_agent"] = text(*h.user_agent);
    out.push_back(std::move(o));
  }
  return out;
}

json::array frames_array(const std::vector<Http2FrameRecord>& frames) {
  json::array out;
  for (const Http2FrameRecord& f : frames) {
    out.push_back(json::object{
        {"type", f.type}, {"flags", f.flags}, {"stream_id", f.stream_id}, {"length", f.length}});
  }
  return out;
}

void put_client(json::object& o, const TlsClientRecord& t) {
  o["ja4_r"] = t.ja4_r;
  o["ja4_o"] = t.ja4_o;
  o["ja4_ro"] = t.ja4_ro;
  put_fingerprint(o, "ja4_stable_r", "ja4_stable", t.ja4_stable);
  put_fingerprint(o, "ja3_full", "ja3", t.ja3);
  put_fingerprint(o, "ja3n_full", "ja3n", t.ja3n);
  put_fingerprint(o, "peetprint", "peetprint_hash", t.peetprint);
  json::array alpn;
  for (const auto& a : t.alpn) alpn.emplace_back(text(a));
  o["tls_alpn"] = std::move(alpn);
  if (t.sslv2_compatible) o["tls_sslv2_hello"] = true;
}

json::object retry_object(const TlsClientRecord& t) {
  json::object o;
  o["ja4"] = t.ja4;
  put_client(o, t);
  return o;
}

json::object to_object(const StreamRecord& r) {
  json::object o;
  if (!r.file.empty()) o["file"] = r.file;
  o["stream"] = r.stream;
  o["transport"] = r.transport;
  o["src"] = r.src.to_string();
  o["dst"] = r.dst.to_string();
  o["src_port"] = r.src_port;
  o["dst_port"] = r.dst_port;
  put(o, "ja4t", r.ja4t);
  if (r.tls) {
    put(o, "tls_server_name", r.tls->server_name);
    o["ja4"] = r.tls->ja4;
  }
  if (r.tls_server) o["ja4s"] = r.tls_server->ja4s;
  if (!r.http.empty()) o["http"] = http_array(r.http);
  // Ours, beyond the Rust reference's keys.
  if (r.tls) put_client(o, *r.tls);
  if (r.tls_retry) o["tls_retry"] = retry_object(*r.tls_retry);
  if (r.tls_server) {
    o["ja4s_r"] = r.tls_server->ja4s_r;
    put_fingerprint(o, "ja3s_full", "ja3s", r.tls_server->ja3s);
    if (r.tls_server->hello_retry_request) o["tls_hello_retry_request"] = true;
  }
  put(o, "ja4ts", r.ja4ts);
  if (r.akamai) put_fingerprint(o, "akamai_fingerprint", "akamai_fingerprint_hash", *r.akamai);
  if (!r.http2_frames.empty()) o["http2_frames"] = frames_array(r.http2_frames);
  put(o, "p0f_signature", r.p0f_signature);
  if (r.ttl_distance) o["ttl_distance"] = *r.ttl_distance;
  return o;
}

void pretty(std::string& out, const json::value& v, int indent, int depth) {
  const std::string pad(static_cast<size_t>(indent * (depth + 1)), ' ');
  const std::string close_pad(static_cast<size_t>(indent * depth), ' ');
  if (v.is_object() && !v.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [k, item] : v.as_object()) {
      if (!first) out += ",\n";
      first = false;
      out += pad + json::serialize(json::value(k)) + ": ";
      pretty(out, item, indent, depth + 1);
    }
    out += "\n" + close_pad + "}";
  } else if (v.is_array() && !v.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& item : v.as_array()) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      pretty(out, item, indent, depth + 1);
    }
    out += "\n" + close_pad + "]";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

// The identity arrives as JSON text written for people ("0.5", where Boost.JSON would write
// "5E-1"), so it is spliced in as the last key rather than parsed and written again.
static void append_identity(std::string& json_text, const std::string& identity,
                            const std::string& pad) {
  if (identity.empty()) return;
  const size_t close = json_text.rfind(pad.empty() ? "}" : "\n");
  json_text.insert(close, "," + (pad.empty() ? "" : "\n" + pad) +
                              "\"identity\":" + (pad.empty() ? "" : " ") + identity);
}

std::string to_json_line(const StreamRecord& record) {
  std::string line = json::serialize(to_object(record));
  append_identity(line, record.identity, "");
  return line;
}

std::string client_hello_json(const TlsClientRecord& hello, int indent) {
  json::object o;
  put(o, "tls_server_name", hello.server_name);
  o["ja4"] = hello.ja4;
  put_client(o, hello);
  if (indent <= 0) return json::serialize(o);
  std::string out;
  pretty(out, o, indent, 0);
  return out;
}

std::string to_json_pretty(const StreamRecord& record, int indent) {
  std::string out;
  pretty(out, to_object(record), indent, 1);
  append_identity(out, record.identity, std::string(static_cast<size_t>(indent * 2), ' '));
  return out;
}

}  // namespace fp::capture
