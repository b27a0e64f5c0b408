#pragma once
// In-order bytes of one direction of a TCP stream, from segments that arrive out of order,
// retransmitted or overlapping. Bounded: at most limits::kMaxStreamPrefix bytes are buffered and
// limits::kMaxPendingSegments segments wait for a gap to fill; past that, bytes are dropped and
// the overflow is reported (the caller counts it).

#include <cstdint>
#include <vector>

#include "core/byte_reader.h"

namespace fp::capture {

class TcpDirection {
 public:
  // The SYN's sequence number; data starts one past it. Without a SYN, the first data segment
  // seen fixes the start.
  void on_syn(uint32_t seq) noexcept;
  void add_segment(uint32_t seq, Bytes payload);

  // Bytes delivered in order and not yet consumed.
  [[nodiscard]] Bytes available() const noexcept { return Bytes(buffer_).subspan(consumed_); }
  void consume(size_t n) noexcept;
  // Stop buffering: the consumer has read all it wants from this direction.
  void release();

  [[nodiscard]] bool released() const noexcept { return released_; }
  [[nodiscard]] bool overflowed() const noexcept { return overflowed_; }
  [[nodiscard]] uint64_t delivered() const noexcept { return delivered_; }
  // Bytes held (in order, and waiting for a gap): what a live capture's budget counts.
  [[nodiscard]] uint64_t buffered_bytes() const noexcept;

 private:
  struct Pending {
    uint32_t seq;
    std::vector<uint8_t> bytes;
  };

  void deliver(uint32_t seq, Bytes payload);
  void drain_pending();
  void append(Bytes bytes);

  bool started_ = false;
  bool released_ = false;
  bool overflowed_ = false;
  uint32_t next_seq_ = 0;
  uint64_t delivered_ = 0;  // in-order bytes seen, buffered or not
  size_t consumed_ = 0;
  std::vector<uint8_t> buffer_;
  std::vector<Pending> pending_;
};

}  // namespace fp::capture
