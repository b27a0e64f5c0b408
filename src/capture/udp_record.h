#pragma once
// The record of a UDP flow (QUIC, DNS, DHCP), made when its first datagram of interest arrives,
// as FlowTable makes one for TCP: the flow's first sender is `src`.

#include "capture/flow_table.h"
#include "tcp/packet.h"

namespace fp::capture {

void start_udp_record(Flow& flow, const tcp::Packet& packet);

}  // namespace fp::capture
