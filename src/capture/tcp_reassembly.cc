#include "capture/tcp_reassembly.h"

#include <algorithm>

#include "core/limits.h"

namespace fp::capture {
namespace {

// Signed distance from `b` to `a` in sequence space (RFC 9293 modulo-2^32 comparison).
int64_t seq_diff(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b); }

}  // namespace

void TcpDirection::on_syn(uint32_t seq) noexcept {
  if (started_) return;  // a retransmitted SYN changes nothing
  started_ = true;
  next_seq_ = seq + 1;
}

void TcpDirection::add_segment(uint32_t seq, Bytes payload) {
  if (released_ || payload.empty()) return;
  if (!started_) {
    started_ = true;
    next_seq_ = seq;
  }
  const int64_t ahead = seq_diff(seq, next_seq_);
  if (ahead > 0) {
    if (pending_.size() < limits::kMaxPendingSegments) {
      pending_.push_back({seq, std::vector<uint8_t>(payload.begin(), payload.end())});
    } else {
      overflowed_ = true;
    }
    return;
  }
  deliver(seq, payload);
  drain_pending();
}

void TcpDirection::deliver(uint32_t seq, Bytes payload) {
  // Old bytes overlap what was delivered: keep only the part past next_seq_.
  const int64_t behind = -seq_diff(seq, next_seq_);
  if (behind >= static_cast<int64_t>(payload.size())) return;  // pure retransmission
  Bytes fresh = payload.subspan(static_cast<size_t>(behind));
  append(fresh);
  next_seq_ += static_cast<uint32_t>(fresh.size());
  delivered_ += fresh.size();
}

void TcpDirection::drain_pending() {
  bool progressed = true;
  while (progressed && !pending_.empty()) {
    progressed = false;
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (seq_diff(pending_[i].seq, next_seq_) > 0) continue;
      Pending segment = std::move(pending_[i]);
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
      deliver(segment.seq, segment.bytes);
      progressed = true;
      break;
    }
  }
}

void TcpDirection::append(Bytes bytes) {
  const size_t held = buffer_.size() - consumed_;
  const size_t room = held < limits::kMaxStreamPrefix ? limits::kMaxStreamPrefix - held : 0;
  const size_t take = std::min(room, bytes.size());
  if (take < bytes.size()) overflowed_ = true;
  // Drop consumed bytes before growing, so that a long HTTP/1 stream reuses one small buffer.
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
}

void TcpDirection::consume(size_t n) noexcept {
  consumed_ = std::min(buffer_.size(), consumed_ + n);
}

uint64_t TcpDirection::buffered_bytes() const noexcept {
  uint64_t n = buffer_.size();
  for (const Pending& p : pending_) n += p.bytes.size();
  return n;
}

void TcpDirection::release() {
  released_ = true;
  buffer_ = {};
  pending_ = {};
  consumed_ = 0;
}

}  // namespace fp::capture
