#include "capture/udp_record.h"

#include <memory>

namespace fp::capture {

void start_udp_record(Flow& flow, const tcp::Packet& packet) {
  flow.record = std::make_unique<StreamRecord>();
  StreamRecord& r = *flow.record;
  r.transport = "udp";
  r.stream = flow.stream;
  r.src = flow.first_sender.address;
  r.src_port = flow.first_sender.port;
  const bool from_first =
      packet.ip.src == flow.first_sender.address && packet.udp.src_port == flow.first_sender.port;
  r.dst = from_first ? packet.ip.dst : packet.ip.src;
  r.dst_port = from_first ? packet.udp.dst_port : packet.udp.src_port;
}

}  // namespace fp::capture
