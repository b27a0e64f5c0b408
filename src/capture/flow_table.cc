#include "capture/flow_table.h"

#include "capture/counters.h"
#include "core/limits.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace fp::capture {
namespace {

Endpoint source_of(const tcp::Packet& p) {
  const bool tcp = p.transport == tcp::Packet::Transport::kTcp;
  return {p.ip.src, tcp ? p.tcp.src_port : p.udp.src_port};
}

Endpoint destination_of(const tcp::Packet& p) {
  const bool tcp = p.transport == tcp::Packet::Transport::kTcp;
  return {p.ip.dst, tcp ? p.tcp.dst_port : p.udp.dst_port};
}

// Any fixed total order puts a flow's two endpoints one way for both directions; this one
// compares the addresses eight bytes at a time (once per packet).
bool endpoint_less(const Endpoint& a, const Endpoint& b) noexcept {
  uint64_t x[2], y[2];
  std::memcpy(x, a.address.bytes.data(), sizeof x);
  std::memcpy(y, b.address.bytes.data(), sizeof y);
  if (x[0] != y[0]) return x[0] < y[0];
  if (x[1] != y[1]) return x[1] < y[1];
  if (a.address.version != b.address.version) return a.address.version < b.address.version;
  return a.port < b.port;
}

FlowKey key_of(const tcp::Packet& p) {
  Endpoint a = source_of(p), b = destination_of(p);
  if (endpoint_less(b, a)) std::swap(a, b);
  return {p.transport == tcp::Packet::Transport::kTcp, a, b};
}

// tshark 4.0 (packet-tcp.c) starts a new conversation when a SYN without ACK carries a sequence
// number other than its direction's base sequence number; a retransmitted SYN, or a SYN with the
// same number after FIN or RST, stays in the stream.
bool starts_new_conversation(const Flow& flow, const tcp::Packet& p, int direction) {
  const bool syn_only = p.tcp.has(tcp::flag::kSyn) && !p.tcp.has(tcp::flag::kAck);
  const auto& base = flow.base_seq[direction];
  return syn_only && base && *base != p.tcp.seq;
}

// As tshark sets them: from the first segment of a direction (a SYN's own number, otherwise one
// before the segment's), and for the other direction from the first acknowledgment number.
void note_base_seq(Flow& flow, const tcp::Packet& p, int direction) {
  auto& own = flow.base_seq[direction];
  if (!own) own = p.tcp.has(tcp::flag::kSyn) ? p.tcp.seq : p.tcp.seq - 1;
  auto& other = flow.base_seq[1 - direction];
  if (!other && p.tcp.has(tcp::flag::kAck)) other = p.tcp.ack - 1;
}

}  // namespace

// Eight bytes at a time (the key is hashed twice per packet): a multiply-xorshift mix of the
// address words and the ports.
size_t FlowKeyHash::operator()(const FlowKey& k) const noexcept {
  constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ull;
  const auto mix = [](uint64_t h, uint64_t v) {
    h = (h ^ v) * kMultiplier;
    return h ^ (h >> 29);
  };
  uint64_t h = k.tcp ? kMultiplier : 0;
  for (const Endpoint* e : {&k.low, &k.high}) {
    uint64_t words[2];
    std::memcpy(words, e->address.bytes.data(), sizeof words);
    h = mix(h, words[0]);
    h = mix(h, words[1]);
    h = mix(h, (uint64_t{e->address.version} << 16) | e->port);
  }
  return h;
}

Flow& FlowTable::flow_for(const tcp::Packet& packet, int& direction, AnalyzerCounters& counters) {
  const FlowKey key = key_of(packet);
  auto it = flows_.find(key);
  if (it == flows_.end()) {
    direction = 0;
    Flow& flow = create(key, packet, counters);
    if (key.tcp) note_base_seq(flow, packet, direction);
    return flow;
  }
  Flow& flow = it->second.flow;
  direction = flow.first_sender == source_of(packet) ? 0 : 1;
  if (key.tcp && starts_new_conversation(flow, packet, direction)) {
    close(flow, counters);
    erase(it);
    direction = 0;
    Flow& next = create(key, packet, counters);
    note_base_seq(next, packet, direction);
    return next;
  }
  if (key.tcp) note_base_seq(flow, packet, direction);
  if (it->second.lru != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second.lru);
  if (tracking_ && !flow.closed) touch(flow, packet.timestamp_us);
  return flow;
}

Flow& FlowTable::create(const FlowKey& key, const tcp::Packet& packet, AnalyzerCounters& counters) {
  if (flows_.size() >= max_flows_) evict_oldest(counters);
  lru_.push_front(key);
  Entry& entry = flows_[key];
  entry.lru = lru_.begin();
  Flow& flow = entry.flow;
  flow.key = key;
  flow.first_sender = source_of(packet);
  flow.stream = next_stream_[key.tcp ? 1 : 0]++;
  if (tracking_) touch(flow, packet.timestamp_us);
  const Endpoint dst = destination_of(packet);
  if (!key.tcp) {
    ++counters
          .udp_streams;  // QUIC flows are fingerprinted (capture/quic_flow.h); others numbered only
    return flow;
  }
  flow.record = std::make_unique<StreamRecord>();
  StreamRecord& r = *flow.record;
  r.transport = key.tcp ? "tcp" : "udp";
  r.stream = flow.stream;
  r.src = flow.first_sender.address;
  r.src_port = flow.first_sender.port;
  r.dst = dst.address;
  r.dst_port = dst.port;
  flow.analyzer = std::make_unique<TcpStreamAnalyzer>(key_log_, compute_);
  ++counters.tcp_streams;
  return flow;
}

void FlowTable::close(Flow& flow, AnalyzerCounters& counters) {
  if (flow.closed) return;
  flow.closed = true;
  if (tracking_) forget_activity(flow);
  if (flow.analyzer) {
    flow.analyzer->finish(*flow.record, counters);
    flow.analyzer.reset();
  }
  if (flow.record && flow.record->has_fingerprint()) {
    ++counters.records;
    emit_(std::move(*flow.record));
  }
  flow.record.reset();
  closed_.push_back({flow.key, flow.stream});
  forget_old_tombstones();
}

void FlowTable::evict_oldest(AnalyzerCounters& counters) {
  auto it = flows_.find(lru_.back());
  if (!it->second.flow.closed) ++counters.flows_evicted;
  close(it->second.flow, counters);
  erase(it);
}

void FlowTable::erase(Map::iterator it) {
  lru_.erase(it->second.lru);
  flows_.erase(it);
}

void FlowTable::forget_old_tombstones() {
  while (closed_.size() > limits::kMaxClosedFlows) {
    const Tombstone oldest = closed_.front();
    closed_.pop_front();
    auto it = flows_.find(oldest.key);
    // The key may have been reused by a newer flow since; only its own tombstone goes.
    if (it != flows_.end() && it->second.flow.closed && it->second.flow.stream == oldest.stream) {
      erase(it);
    }
  }
}

void FlowTable::close_all(AnalyzerCounters& counters) {
  // In the references' order: TCP streams, then UDP streams, each by number.
  std::vector<Flow*> open;
  for (auto& [key, entry] : flows_) {
    if (!entry.flow.closed) open.push_back(&entry.flow);
  }
  std::sort(open.begin(), open.end(), [](const Flow* a, const Flow* b) {
    // "tcp" < "udp", as the record's transport names sort
    return std::make_pair(!a->key.tcp, a->stream) < std::make_pair(!b->key.tcp, b->stream);
  });
  for (Flow* flow : open) close(*flow, counters);
}

}  // namespace fp::capture
