#pragma once
// Builds the packets of a TCP conversation for capture tests: a client and a server endpoint,
// each with its own sequence numbers, so that tests can say "client sends these bytes at this
// offset" and deliver the packets in any order. IPv4 or IPv6 from tests/tcp/packet_builder.h.

#include <string>
#include <string_view>
#include <vector>

#include "capture/analyzer.h"
#include "tcp/packet_builder.h"

namespace fp::capture::test {

using Wire = std::vector<uint8_t>;
namespace pb = fp::tcp::test;

inline Wire bytes_of(std::string_view s) { return Wire(s.begin(), s.end()); }

struct Host {
  const char* address;
  uint16_t port;
  uint32_t isn;
};

class Conversation {
 public:
  Conversation(Host client, Host server, bool ipv6 = false)
      : client_(client), server_(server), ipv6_(ipv6) {}

  // The client's SYN (Linux options), the server's SYN+ACK, the client's ACK.
  [[nodiscard]] Wire syn() const {
    return packet(true,
                  {.seq = client_.isn, .flags = tcp::flag::kSyn, .options = pb::linux_options()});
  }
  [[nodiscard]] Wire syn_ack() const {
    return packet(false, {.seq = server_.isn,
                          .ack = client_.isn + 1,
                          .flags = tcp::flag::kSyn | tcp::flag::kAck,
                          .options = pb::linux_options()});
  }
  [[nodiscard]] Wire ack() const {
    return packet(true, {.seq = client_.isn + 1, .ack = server_.isn + 1, .flags = tcp::flag::kAck});
  }
  // `payload` at byte `offset` of the client's (or server's) data.
  [[nodiscard]] Wire client_data(size_t offset, Wire payload, uint8_t extra_flags = 0) const {
    return packet(true,
                  {.seq = client_.isn + 1 + static_cast<uint32_t>(offset),
                   .ack = server_.isn + 1,
                   .flags = static_cast<uint8_t>(tcp::flag::kAck | tcp::flag::kPsh | extra_flags),
                   .payload = std::move(payload)});
  }
  [[nodiscard]] Wire server_data(size_t offset, Wire payload, uint8_t extra_flags = 0) const {
    return packet(false,
                  {.seq = server_.isn + 1 + static_cast<uint32_t>(offset),
                   .ack = client_.isn + 1,
                   .flags = static_cast<uint8_t>(tcp::flag::kAck | tcp::flag::kPsh | extra_flags),
                   .payload = std::move(payload)});
  }
  [[nodiscard]] Wire client_fin(size_t offset) const {
    return client_data(offset, {}, tcp::flag::kFin);
  }
  [[nodiscard]] Wire server_fin(size_t offset) const {
    return server_data(offset, {}, tcp::flag::kFin);
  }

  // A TCP packet from the client (or the server) with the given header fields; ports are set.
  [[nodiscard]] Wire packet(bool from_client, pb::TcpSpec spec) const {
    const Host& src = from_client ? client_ : server_;
    const Host& dst = from_client ? server_ : client_;
    spec.sport = src.port;
    spec.dport = dst.port;
    const Wire segment = pb::tcp_segment(spec);
    if (ipv6_) return pb::ipv6({.src = src.address, .dst = dst.address}, segment);
    return pb::ipv4({.src = src.address, .dst = dst.address}, segment);
  }

 private:
  Host client_, server_;
  bool ipv6_;
};

// Runs packets (IP bytes) through an Analyzer and keeps the records it emits, in order.
class Collector {
 public:
  explicit Collector(size_t max_flows = 1 << 20)
      : analyzer_([this](StreamRecord&& r) { records_.push_back(std::move(r)); }, max_flows) {}

  void add(const Wire& ip) { analyzer_.add_ip_packet(0, ip); }
  void add_all(const std::vector<Wire>& packets) {
    for (const Wire& p : packets) add(p);
  }
  std::vector<StreamRecord>& finish() {
    analyzer_.finish();
    return records_;
  }
  [[nodiscard]] const std::vector<StreamRecord>& records() const { return records_; }
  [[nodiscard]] const AnalyzerCounters& counters() const { return analyzer_.counters(); }
  Analyzer& analyzer() { return analyzer_; }

 private:
  std::vector<StreamRecord> records_;
  Analyzer analyzer_;
};

}  // namespace fp::capture::test
