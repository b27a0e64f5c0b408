#pragma once
// DHCP in the capture (JA4D, dhcp/ja4d.h): every datagram to or from the DHCPv4 ports 67/68 or
// the DHCPv6 ports 546/547 is one message, and each message's JA4D (client and server alike, as
// the FoxIO Wireshark plugin and Zeek script emit them) is appended to the flow record's `ja4d`
// list in the order the messages came.

#include "capture/record.h"
#include "tcp/packet.h"

namespace fp {
class JsonWriter;
}

namespace fp::capture {

struct AnalyzerCounters;
struct Flow;

// A UDP datagram of `flow`: true when it was DHCP (by port) and has been read.
bool add_dhcp_datagram(Flow& flow, const tcp::Packet& packet, AnalyzerCounters& counters);

// The record's `ja4d` list, when it has one (record_json.cc).
void write_dhcp_json(JsonWriter& w, const StreamRecord& record);

}  // namespace fp::capture
