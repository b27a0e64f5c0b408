#include "capture/quic_flow.h"

#include "capture/counters.h"
#include "capture/dhcp_flow.h"
#include "capture/dns_flow.h"
#include "capture/flow_table.h"
#include "capture/record_builders.h"
#include "capture/udp_record.h"
#include "core/hex.h"
#include "core/json_writer.h"
#include "decrypt/key_log.h"
#include "quic/limits.h"
#include "quic/packet.h"
#include "quic/transport_params.h"
#include "tls/client_hello.h"
#include "tls/ja4.h"
#include "tls/server_hello.h"

namespace fp::capture {
namespace {

constexpr uint8_t kClientHelloType = 1;  // RFC 8446 4
constexpr uint8_t kServerHelloType = 2;

// The handshake message body, when `message` is a complete one of `type`.
std::optional<Bytes> body_of(Bytes message, uint8_t type) {
  if (message.size() < 4 || message[0] != type) return std::nullopt;
  return message.subspan(4);
}

// The hello's transport parameters (RFC 9001 8.2), the final extension code point before the
// draft one. A body that does not parse counts as a TLS error: it is part of the hello.
std::optional<quic::TransportParameters> transport_parameters_of(const tls::ClientHello& hello,
                                                                 AnalyzerCounters& counters) {
  for (const uint16_t type :
       {quic::kTransportParametersExtension, quic::kTransportParametersDraftExtension}) {
    for (const tls::Extension& e : hello.extensions) {
      if (e.type != type) continue;
      auto parsed = quic::parse_transport_parameters(hello.data_of(e));
      if (parsed) return std::move(*parsed);
      ++counters.tls_errors;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void write_parameter(JsonWriter& w, const quic::TransportParameter& p) {
  w.begin_object();
  w.member("id", p.id);
  const std::string_view name = quic::transport_parameter_name(p.id);
  if (!name.empty()) w.member("name", name);
  w.member("value", hex_encode(p.value));
  if (const auto number = quic::numeric_value(p)) w.member("number", *number);
  w.end_object();
}

}  // namespace

void write_quic_transport_parameters_json(JsonWriter& w, const StreamRecord& r) {
  if (!r.quic_transport_parameters) return;
  const quic::TransportParameters& tp = *r.quic_transport_parameters;
  const Fingerprint f = quic::transport_parameters_fingerprint(tp);
  w.key("quic_transport_parameters");
  w.begin_object();
  w.member("fingerprint", f.hash);
  w.member("fingerprint_raw", f.raw);
  w.key("duplicate_ids");
  w.boolean(tp.duplicate_ids);
  w.key("parameters");
  w.begin_array();
  for (const auto& p : tp.parameters) write_parameter(w, p);
  w.end_array();
  w.end_object();
}

void write_http3_json(JsonWriter& w, const StreamRecord& r) {
  if (!r.http3) return;
  const Fingerprint f = quic::http3_settings_fingerprint(*r.http3);
  w.key("http3");
  w.begin_object();
  w.member("fingerprint", f.hash);
  w.member("fingerprint_raw", f.raw);
  w.key("settings");
  w.begin_array();
  for (const quic::Http3Setting& s : r.http3->settings) {
    w.begin_object();
    w.member("id", s.id);
    w.member("value", s.value);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void QuicFlow::on_datagram(int direction, Bytes payload, StreamRecord& record,
                           AnalyzerCounters& counters) {
  if (direction == 0 && control_) read_control(payload, record, counters);
  auto& reader = direction == 0 ? client_ : server_;
  if (!reader) return;
  if (++datagrams_[direction] > limits::kMaxQuicInitialDatagrams) {
    reader.reset();  // no complete hello within the bound: give up on this direction
    return;
  }
  if (direction == 0) {
    read_client(payload, record, counters);
  } else {
    read_server(payload, record, counters);
  }
}

void QuicFlow::read_client(Bytes payload, StreamRecord& record, AnalyzerCounters& counters) {
  const auto status = client_->add_datagram(payload);
  if (client_dcid_.empty()) {
    const Bytes dcid = client_->first_dcid();
    client_dcid_.assign(dcid.begin(), dcid.end());
  }
  if (status == quic::CryptoStream::Status::kNeedMore) return;
  if (status == quic::CryptoStream::Status::kOverflow) ++counters.reassembly_overflows;
  if (status == quic::CryptoStream::Status::kDone) {
    const auto body = body_of(client_->first_message(), kClientHelloType);
    auto hello =
        body ? tls::parse_client_hello(*body) : Unexpected{tls::TlsError::kWrongMessageType};
    if (hello) {
      record.tls = client_record(*hello);
      // JA4.md: the first character says the transport, `q` for QUIC.
      tls::Ja4 j = tls::ja4(*hello, tls::TlsTransport::kQuic);
      record.tls->ja4 = std::move(j.ja4);
      record.tls->ja4_r = std::move(j.ja4_r);
      record.tls->ja4_o = std::move(j.ja4_o);
      record.tls->ja4_ro = std::move(j.ja4_ro);
      record.tls->ja4_stable = tls::ja4_stable(*hello, tls::TlsTransport::kQuic);
      record.quic_transport_parameters = transport_parameters_of(*hello, counters);
      client_random_.assign(hello->random.begin(), hello->random.end());
      version_ = client_->version();
    } else {
      ++counters.tls_errors;
    }
  }
  client_.reset();
  start_control(counters);
}

void QuicFlow::read_server(Bytes payload, StreamRecord& record, AnalyzerCounters& counters) {
  if (client_dcid_.empty()) return;  // no client Initial opened yet: no keys
  if (server_scid_.empty()) {
    if (const auto h = quic::parse_initial_header(payload)) {
      server_scid_.assign(h->scid.begin(), h->scid.end());
    }
  }
  const auto status = server_->add_datagram(payload, Bytes(client_dcid_));
  if (status == quic::CryptoStream::Status::kNeedMore) return;
  if (status == quic::CryptoStream::Status::kOverflow) ++counters.reassembly_overflows;
  if (status == quic::CryptoStream::Status::kDone) {
    const auto body = body_of(server_->first_message(), kServerHelloType);
    auto hello =
        body ? tls::parse_server_hello(*body) : Unexpected{tls::TlsError::kWrongMessageType};
    if (hello) {
      record.tls_server = server_record(*hello);
      cipher_suite_ = hello->cipher_suite;
      tls::Ja4s j = tls::ja4s(*hello, tls::TlsTransport::kQuic);
      record.tls_server->ja4s = std::move(j.ja4s);
      record.tls_server->ja4s_r = std::move(j.ja4s_r);
    } else {
      ++counters.tls_errors;
    }
  }
  server_.reset();
  start_control(counters);
}

// Once both hellos are read: the client's 1-RTT keys, when the key log has its secret.
void QuicFlow::start_control(AnalyzerCounters& counters) {
  if (!key_log_ || client_ || server_ || control_ || client_random_.empty() ||
      server_scid_.empty() || control_datagrams_ > 0) {
    return;
  }
  control_datagrams_ = 1;  // started once, whatever follows
  const decrypt::TlsSecrets* secrets = key_log_->find(Bytes(client_random_));
  if (!secrets || secrets->client_application.empty()) {
    ++counters.tls_without_secrets;
    return;
  }
  // Only TLS_AES_128_GCM_SHA256: its keys have InitialKeys' shape (quic/initial_keys.h).
  constexpr uint16_t kAes128GcmSha256 = 0x1301;
  if (cipher_suite_ != kAes128GcmSha256) return;
  const auto keys = quic::one_rtt_keys(version_, Bytes(secrets->client_application));
  if (!keys) return;
  ++counters.tls_decrypted;
  control_.emplace(*keys, server_scid_.size());
}

void QuicFlow::read_control(Bytes payload, StreamRecord& record, AnalyzerCounters& counters) {
  using Status = quic::ControlStreamReader::Status;
  const Status status = control_->add_datagram(payload);
  if (status == Status::kDone) record.http3 = control_->settings();
  if (status == Status::kError) ++counters.http_errors;
  if (status == Status::kNeedMore && ++control_datagrams_ <= limits::kMaxQuicControlDatagrams) {
    return;
  }
  // Past a bound (stream bytes or datagrams) without a complete SETTINGS frame: count it.
  if (status == Status::kOverflow || status == Status::kNeedMore) ++counters.decrypt_limits;
  control_.reset();
}

void add_udp_datagram(Flow& flow, int direction, const tcp::Packet& packet,
                      AnalyzerCounters& counters, const decrypt::KeyLog* key_log) {
  if (flow.closed) return;
  if (add_dns_datagram(flow, packet, counters)) return;   // DNS queries (capture/dns_flow.h)
  if (add_dhcp_datagram(flow, packet, counters)) return;  // JA4D (capture/dhcp_flow.h)
  if (!flow.quic) {
    // Only a flow that the client opens with an Initial is read as QUIC.
    if (direction != 0 || flow.record || !quic::looks_like_initial(packet.payload)) return;
    flow.quic = std::make_unique<QuicFlow>(key_log);
    start_udp_record(flow, packet);
  }
  if (!flow.record) return;
  flow.quic->latency().on_datagram(packet, *flow.record);
  flow.quic->on_datagram(direction, packet.payload, *flow.record, counters);
}

}  // namespace fp::capture
