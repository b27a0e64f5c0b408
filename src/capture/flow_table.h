#pragma once
// Flows keyed by transport and unordered endpoint pair, numbered as tshark numbers them
// (`tcp.stream`, `udp.stream`): from 0 per transport, in order of first packet, with a new TCP
// stream when a SYN with a new initial sequence number reuses a 5-tuple (TRAPS.md). Bounded to
// limits::kMaxFlows entries; the least recently active flow is evicted first. Closed flows are
// kept as tombstones, at most limits::kMaxClosedFlows of them (oldest dropped first), so memory
// stays flat however many connections a capture holds.

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <unordered_map>

#include "capture/quic_flow.h"
#include "capture/record.h"
#include "capture/stream_analyzer.h"
#include "tcp/packet.h"

namespace fp::capture {

struct Endpoint {
  tcp::IpAddress address;
  uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
};

struct FlowKey {
  bool tcp = true;
  Endpoint low, high;  // the two endpoints, ordered, so both directions find one flow
  // Ports first: keys in one bucket almost always differ there (compared once per packet).
  bool operator==(const FlowKey& o) const noexcept {
    return low.port == o.low.port && high.port == o.high.port && tcp == o.tcp &&
           low.address == o.low.address && high.address == o.high.address;
  }
};

struct FlowKeyHash {
  size_t operator()(const FlowKey& k) const noexcept;
};

struct Flow {
  // Both freed when the flow closes: a closed flow stays only as a small tombstone that keeps
  // the numbering of late packets and of reused 5-tuples as tshark's.
  std::unique_ptr<StreamRecord> record;
  FlowKey key;
  Endpoint first_sender;
  // tshark's base sequence number of each direction: a SYN's sequence number, else one less than
  // the first segment's, else one less than what the other side first acknowledged.
  std::optional<uint32_t> base_seq[2];
  bool fin[2] = {false, false};
  bool closed = false;  // RST, or FIN both ways: the record has been emitted
  uint64_t stream = 0;  // tshark's stream number, kept after the record is gone
  std::unique_ptr<TcpStreamAnalyzer> analyzer;  // freed when the flow closes
  std::unique_ptr<QuicFlow> quic;               // a UDP flow whose client sent a QUIC Initial
  // Live capture only (FlowTable::track_activity): the last packet's time, the stream bytes the
  // flow buffers, and its place in the table's order of activity.
  int64_t last_seen_us = 0;
  uint64_t buffered_bytes = 0;
  std::optional<std::list<FlowKey>::iterator> activity;
};

class FlowTable {
 public:
  using Emit = std::function<void(StreamRecord&&)>;
  FlowTable(size_t max_flows, Emit emit) : max_flows_(max_flows), emit_(std::move(emit)) {}
  // TCP streams made from now on also decrypt TLS with these secrets (nullptr: none).
  void set_key_log(const decrypt::KeyLog* key_log) noexcept { key_log_ = key_log; }
  [[nodiscard]] const decrypt::KeyLog* key_log() const noexcept { return key_log_; }
  // TCP streams made from now on compute only these fingerprints (record_fields.h).
  void set_fingerprints(FingerprintMask compute) noexcept { compute_ = compute; }

  // The flow this packet belongs to, made (and numbered) when new; `direction` is 0 when the
  // packet comes from the flow's first sender. A SYN that starts a new conversation on a known
  // 5-tuple closes the old flow and starts the next stream number.
  Flow& flow_for(const tcp::Packet& packet, int& direction, AnalyzerCounters& counters);

  // Fingerprints what the flow holds and hands its record to the sink (once).
  void close(Flow& flow, AnalyzerCounters& counters);
  void close_all(AnalyzerCounters& counters);

  // Takes the next stream number without a flow, as tshark does for a conversation it opens
  // inside another (the tunnel of a SOCKS connection).
  void skip_stream_number(bool tcp) noexcept { ++next_stream_[tcp ? 1 : 0]; }

  // Flows held, open and closed.
  [[nodiscard]] size_t size() const noexcept { return flows_.size(); }

  // Live capture (capture/flow_activity.cc; off for `analyze`, which then runs as before): open
  // flows are also kept in order of their last packet's time, so that idle ones can be closed,
  // and their buffered bytes are summed against `max_buffered_bytes` (0: no budget).
  void track_activity(uint64_t max_buffered_bytes);
  // After a packet of `flow` was handled: `bytes` is what it now buffers. While the total is over
  // the budget, the least recently active open flows are closed (counted in bytes_evicted).
  void note_buffered(Flow& flow, uint64_t bytes, AnalyzerCounters& counters);
  // Closes (fingerprints and emits) every open flow whose last packet is older than `cutoff_us`.
  void expire_idle(int64_t cutoff_us, AnalyzerCounters& counters);
  [[nodiscard]] uint64_t buffered_bytes() const noexcept { return buffered_total_; }

 private:
  struct Entry {
    Flow flow;
    std::list<FlowKey>::iterator lru;
  };

  Flow& create(const FlowKey& key, const tcp::Packet& packet, AnalyzerCounters& counters);
  void evict_oldest(AnalyzerCounters& counters);
  using Map = std::unordered_map<FlowKey, Entry, FlowKeyHash>;
  void erase(Map::iterator it);
  void forget_old_tombstones();
  void touch(Flow& flow, int64_t timestamp_us);
  void forget_activity(Flow& flow);

  size_t max_flows_;
  Emit emit_;
  const decrypt::KeyLog* key_log_ = nullptr;
  FingerprintMask compute_ = kAllFingerprints;
  uint64_t next_stream_[2] = {0, 0};  // udp, tcp
  Map flows_;
  std::list<FlowKey> lru_;  // most recently active first
  struct Tombstone {
    FlowKey key;
    uint64_t stream;  // which flow of that key closed, in case the key was reused since
  };
  std::deque<Tombstone> closed_;  // in order of closing
  bool tracking_ = false;
  uint64_t max_buffered_bytes_ = 0;
  uint64_t buffered_total_ = 0;
  std::list<FlowKey> activity_;  // open flows, most recent packet first (when tracking_)
};

}  // namespace fp::capture
