#include "capture/quic_flow.h"

#include "capture/counters.h"
#include "capture/dhcp_flow.h"
#include "capture/dns_flow.h"
#include "capture/flow_table.h"
#include "capture/record_builders.h"
#include "quic/limits.h"
#include "quic/packet.h"
#include "tls/client_hello.h"
#include "tls/ja4.h"
#include "tls/server_hello.h"

namespace fp::capture {
namespace {

constexpr uint8_t kClientHelloType = 1;  // RFC 8446 4
constexpr uint8_t kServerHelloType = 2;

// The record of a QUIC flow, as FlowTable makes one for TCP: the flow's first sender is src.
void start_record(Flow& flow, const tcp::Packet& packet) {
  flow.record = std::make_unique<StreamRecord>();
  StreamRecord& r = *flow.record;
  r.transport = "udp";
  r.stream = flow.stream;
  r.src = flow.first_sender.address;
  r.src_port = flow.first_sender.port;
  r.dst = packet.ip.dst;
  r.dst_port = packet.udp.dst_port;
}

// The handshake message body, when `message` is a complete one of `type`.
std::optional<Bytes> body_of(Bytes message, uint8_t type) {
  if (message.size() < 4 || message[0] != type) return std::nullopt;
  return message.subspan(4);
}

}  // namespace

void QuicFlow::on_datagram(int direction, Bytes payload, StreamRecord& record,
                           AnalyzerCounters& counters) {
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
    } else {
      ++counters.tls_errors;
    }
  }
  client_.reset();
}

void QuicFlow::read_server(Bytes payload, StreamRecord& record, AnalyzerCounters& counters) {
  if (client_dcid_.empty()) return;  // no client Initial opened yet: no keys
  const auto status = server_->add_datagram(payload, Bytes(client_dcid_));
  if (status == quic::CryptoStream::Status::kNeedMore) return;
  if (status == quic::CryptoStream::Status::kOverflow) ++counters.reassembly_overflows;
  if (status == quic::CryptoStream::Status::kDone) {
    const auto body = body_of(server_->first_message(), kServerHelloType);
    auto hello =
        body ? tls::parse_server_hello(*body) : Unexpected{tls::TlsError::kWrongMessageType};
    if (hello) {
      record.tls_server = server_record(*hello);
      tls::Ja4s j = tls::ja4s(*hello, tls::TlsTransport::kQuic);
      record.tls_server->ja4s = std::move(j.ja4s);
      record.tls_server->ja4s_r = std::move(j.ja4s_r);
    } else {
      ++counters.tls_errors;
    }
  }
  server_.reset();
}

void add_udp_datagram(Flow& flow, int direction, const tcp::Packet& packet,
                      AnalyzerCounters& counters) {
  if (flow.closed) return;
  if (add_dns_datagram(flow, packet, counters)) return;   // DNS queries (capture/dns_flow.h)
  if (add_dhcp_datagram(flow, packet, counters)) return;  // JA4D (capture/dhcp_flow.h)
  if (!flow.quic) {
    // Only a flow that the client opens with an Initial is read as QUIC.
    if (direction != 0 || flow.record || !quic::looks_like_initial(packet.payload)) return;
    flow.quic = std::make_unique<QuicFlow>();
    start_record(flow, packet);
  }
  if (!flow.record) return;
  flow.quic->latency().on_datagram(packet, *flow.record);
  flow.quic->on_datagram(direction, packet.payload, *flow.record, counters);
}

}  // namespace fp::capture
