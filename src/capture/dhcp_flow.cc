#include "capture/dhcp_flow.h"

#include "capture/counters.h"
#include "capture/flow_table.h"
#include "capture/udp_record.h"
#include "core/json_writer.h"
#include "dhcp/ja4d.h"
#include "dhcp/limits.h"

namespace fp::capture {
namespace {

constexpr uint16_t kDhcpServerPort = 67, kDhcpClientPort = 68;        // RFC 2131 4.1
constexpr uint16_t kDhcpv6ClientPort = 546, kDhcpv6ServerPort = 547;  // RFC 8415 7.2

bool either_port(const tcp::Packet& p, uint16_t a, uint16_t b) {
  const uint16_t s = p.udp.src_port, d = p.udp.dst_port;
  return s == a || s == b || d == a || d == b;
}

std::optional<std::string> fingerprint(const tcp::Packet& packet, bool v6) {
  if (v6) {
    auto m = dhcp::parse_dhcpv6(packet.payload);
    return m ? std::optional(dhcp::ja4d(*m)) : std::nullopt;
  }
  auto m = dhcp::parse_dhcpv4(packet.payload);
  return m ? std::optional(dhcp::ja4d(*m)) : std::nullopt;
}

}  // namespace

bool add_dhcp_datagram(Flow& flow, const tcp::Packet& packet, AnalyzerCounters& counters) {
  const bool v4 = either_port(packet, kDhcpServerPort, kDhcpClientPort);
  const bool v6 = !v4 && either_port(packet, kDhcpv6ClientPort, kDhcpv6ServerPort);
  if (!v4 && !v6) return false;
  auto value = fingerprint(packet, v6);
  if (!value) {
    ++counters.dhcp_errors;
    return true;
  }
  if (!flow.record) start_udp_record(flow, packet);
  StreamRecord& r = *flow.record;
  if (r.ja4d.size() >= dhcp::limits::kMaxJa4dPerFlow) {
    ++counters.dhcp_dropped;
    return true;
  }
  r.ja4d.push_back(std::move(*value));
  return true;
}

void write_dhcp_json(JsonWriter& w, const StreamRecord& r) {
  if (r.ja4d.empty()) return;
  w.key("ja4d");
  w.begin_array();
  for (const std::string& v : r.ja4d) w.string(v);
  w.end_array();
}

}  // namespace fp::capture
