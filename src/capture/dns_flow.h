#pragma once
// DNS in the capture (our DNS client fingerprint, dns/fingerprint.h): queries to port 53 over
// UDP (each datagram one message) and TCP (messages behind a 2-byte length, RFC 1035 4.2.2)
// accumulate into the record's `dns`; the record's `dns_transport` says how DNS was carried
// when that is known: do53 (port 53), dot (TLS to port 853, RFC 7858), doh (TLS to a known DoH
// server name, or HTTP asking for /dns-query or application/dns-message, RFC 8484).

#include <optional>
#include <string_view>

#include "capture/record.h"
#include "capture/tcp_reassembly.h"
#include "tcp/packet.h"

namespace fp {
class JsonWriter;
}

namespace fp::capture {

struct AnalyzerCounters;
struct Flow;

inline constexpr uint16_t kDnsPort = 53;
inline constexpr uint16_t kDotPort = 853;

// A UDP datagram of `flow`: true when it was DNS (from or to port 53) and has been read.
bool add_dns_datagram(Flow& flow, const tcp::Packet& packet, AnalyzerCounters& counters);

// A TCP stream to or from port 53.
[[nodiscard]] bool is_dns_stream(const StreamRecord& record) noexcept;
// Reads the complete messages `bytes` holds (consuming them). `direction` 0 is the stream's
// first sender; only the side that sends to port 53 is read. True when this direction is done
// (the server's side, enough queries, an error, or `final`).
bool read_dns_stream(int direction, TcpDirection& bytes, StreamRecord& record,
                     AnalyzerCounters& counters, bool final);

// do53, dot or doh as above; nullopt when the record shows none of them.
[[nodiscard]] std::optional<std::string_view> dns_transport(const StreamRecord& record);

// The record's `dns` object and `dns_transport`, when it has them (record_json.cc).
void write_dns_json(JsonWriter& w, const StreamRecord& record);

}  // namespace fp::capture
