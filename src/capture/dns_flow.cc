#include "capture/dns_flow.h"

#include <algorithm>
#include <array>

#include "capture/counters.h"
#include "capture/flow_table.h"
#include "capture/udp_record.h"
#include "core/json_writer.h"
#include "core/utf8.h"
#include "dns/fingerprint.h"

namespace fp::capture {
namespace {

// Server names of public DoH services (their documentation's URLs), matched whole: a TLS
// connection to one of them is DNS over HTTPS whatever else it carries.
constexpr std::array<std::string_view, 12> kDohServerNames = {"dns.google",
                                                              "dns.google.com",
                                                              "cloudflare-dns.com",
                                                              "mozilla.cloudflare-dns.com",
                                                              "one.one.one.one",
                                                              "1dot1dot1dot1.cloudflare-dns.com",
                                                              "dns.quad9.net",
                                                              "dns11.quad9.net",
                                                              "doh.opendns.com",
                                                              "dns.nextdns.io",
                                                              "doh.cleanbrowsing.org",
                                                              "dns.adguard-dns.com"};

constexpr std::string_view kDohPath = "/dns-query";

void add_message(Bytes message, StreamRecord& record, AnalyzerCounters& counters) {
  auto query = dns::parse_query(message);
  if (!query) {
    ++counters.dns_errors;
    return;
  }
  if (!record.dns) record.dns.emplace();
  dns::add_query(*record.dns, *query);
}

bool doh_request(const HttpRecord& h) { return h.target.starts_with(kDohPath); }

void write_numbers(JsonWriter& w, std::string_view key, const std::vector<uint16_t>& values) {
  w.key(key);
  w.begin_array();
  for (uint16_t v : values) w.number(v);
  w.end_array();
}

void write_edns(JsonWriter& w, const dns::Edns& e) {
  w.key("edns");
  w.begin_object();
  w.member("version", e.version);
  w.member("udp_payload_size", e.udp_payload_size);
  w.key("do");
  w.boolean(e.dnssec_ok);
  std::vector<uint16_t> codes;
  for (const dns::EdnsOption& o : e.options) codes.push_back(o.code);
  write_numbers(w, "options", codes);
  w.end_object();
}

}  // namespace

bool add_dns_datagram(Flow& flow, const tcp::Packet& packet, AnalyzerCounters& counters) {
  if (packet.udp.src_port != kDnsPort && packet.udp.dst_port != kDnsPort) return false;
  if (flow.closed) return true;
  // Queries only: what a resolver answers says nothing of the client.
  if (packet.udp.dst_port != kDnsPort || dns::is_response(packet.payload)) return true;
  if (!flow.record) start_udp_record(flow, packet);
  add_message(packet.payload, *flow.record, counters);
  return true;
}

bool is_dns_stream(const StreamRecord& record) noexcept {
  return record.transport == "tcp" && (record.dst_port == kDnsPort || record.src_port == kDnsPort);
}

bool read_dns_stream(int direction, TcpDirection& bytes, StreamRecord& record,
                     AnalyzerCounters& counters, bool final) {
  const bool to_port_53 = (direction == 0) == (record.dst_port == kDnsPort);
  if (!to_port_53) return true;
  while (true) {
    if (record.dns && record.dns->queries == dns::kMaxQueriesPerFlow) return true;
    ByteReader in(bytes.available());
    const auto message = in.length_prefixed<2>();
    if (!message) return final || bytes.overflowed();  // wait for the rest of the message
    add_message(*message, record, counters);
    bytes.consume(in.position());
  }
}

std::optional<std::string_view> dns_transport(const StreamRecord& r) {
  if (r.dns) return "do53";
  if (!r.tls) return std::nullopt;
  if (r.transport == "tcp" && r.dst_port == kDotPort) return "dot";
  const auto& alpn = r.tls->alpn;
  if (std::find(alpn.begin(), alpn.end(), "dot") != alpn.end()) return "dot";
  if (std::any_of(r.http.begin(), r.http.end(), doh_request)) return "doh";
  const std::string sni = r.tls->server_name.value_or("");  // value_or gives a temporary
  if (std::find(kDohServerNames.begin(), kDohServerNames.end(), sni) != kDohServerNames.end()) {
    return "doh";
  }
  return std::nullopt;
}

void write_dns_json(JsonWriter& w, const StreamRecord& r) {
  if (const auto transport = dns_transport(r)) w.member("dns_transport", *transport);
  if (!r.dns || !w.wants("dns")) return;
  const dns::DnsClient& c = *r.dns;
  const Fingerprint f = dns::dns_fingerprint(c);
  w.key("dns");
  w.begin_object();
  w.member("fingerprint", f.hash);
  w.member("fingerprint_raw", f.raw);
  w.member("opcode", c.opcode);
  w.key("rd");
  w.boolean(c.rd);
  w.key("ad");
  w.boolean(c.ad);
  w.key("cd");
  w.boolean(c.cd);
  w.member("qdcount", c.qdcount);
  w.member("ancount", c.ancount);
  w.member("nscount", c.nscount);
  w.member("arcount", c.arcount);
  if (c.edns) write_edns(w, *c.edns);
  write_numbers(w, "query_types", c.query_types);
  w.key("mixed_case");
  w.boolean(c.mixed_case);
  w.member("queries", c.queries);
  w.member("query_name", is_valid_utf8(c.first_name) ? c.first_name : to_valid_utf8(c.first_name));
  w.end_object();
}

}  // namespace fp::capture
