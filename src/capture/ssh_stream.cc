#include "capture/ssh_stream.h"

#include "capture/counters.h"
#include "core/json_writer.h"
#include "core/utf8.h"

namespace fp::capture {
namespace {

// Identification strings are wire bytes; JSON output stays valid UTF-8.
void text_or_null(JsonWriter& w, std::string_view name, const std::optional<std::string>& v) {
  w.key(name);
  if (!v) {
    w.raw("null");
  } else {
    w.string(is_valid_utf8(*v) ? *v : to_valid_utf8(*v));
  }
}

std::optional<std::string> hash_of(const std::optional<Fingerprint>& f) {
  if (!f) return std::nullopt;
  return f->hash;
}

}  // namespace

void feed_ssh(ssh::SshSession& session, int direction, const tcp::Packet& packet) {
  const tcp::TcpHeader& t = packet.tcp;
  ssh::Segment s;
  s.side = direction;
  // Data on a SYN (TCP Fast Open) starts one past the SYN's sequence number.
  s.seq = t.has(tcp::flag::kSyn) ? t.seq + 1 : t.seq;
  s.payload = packet.payload;
  s.bare_ack_flags = t.flags == tcp::flag::kAck && t.reserved == 0;
  session.on_segment(s);
}

void finish_ssh(const ssh::SshSession& session, StreamRecord& record, AnalyzerCounters& counters) {
  if (!session.detected()) return;
  ssh::SshSummary summary = session.summary();
  counters.ssh_windows_dropped += summary.windows_dropped;
  record.ja4ssh = std::move(summary.ja4ssh);
  record.ssh_extras = std::move(summary.extras);
}

void write_ssh_json(JsonWriter& w, const StreamRecord& r) {
  if (r.ja4ssh.empty()) return;
  w.key("ja4ssh");
  w.begin_array();
  for (const std::string& fp : r.ja4ssh) w.string(fp);
  w.end_array();
  if (!r.ssh_extras) return;
  const ssh::SshExtras& e = *r.ssh_extras;
  w.key("ssh_extras");
  w.begin_object();
  text_or_null(w, "hassh", hash_of(e.hassh));
  text_or_null(w, "hassh_server", hash_of(e.hassh_server));
  text_or_null(w, "ssh_protocol_client", e.protocol_client);
  text_or_null(w, "ssh_protocol_server", e.protocol_server);
  text_or_null(w, "encryption_algorithm", e.encryption_algorithm);
  w.end_object();
}

void write_ssh_raw_json(JsonWriter& w, const StreamRecord& r) {
  if (r.ja4ssh.empty() || !r.ssh_extras) return;
  const ssh::SshExtras& e = *r.ssh_extras;
  if (e.hassh) text_or_null(w, "hassh_algorithms", e.hassh->raw);
  if (e.hassh_server) text_or_null(w, "hassh_server_algorithms", e.hassh_server->raw);
}

}  // namespace fp::capture
