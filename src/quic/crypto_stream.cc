#include "quic/crypto_stream.h"

#include <algorithm>

namespace fp::quic {

CryptoStream::Status CryptoStream::add(uint64_t offset, Bytes data) noexcept {
  if (status_ != Status::kNeedMore) return status_;
  if (offset > limit_ || data.size() > limit_ - offset) {
    status_ = Status::kOverflow;
    return status_;
  }
  const uint64_t end = offset + data.size();
  if (end <= contiguous_.size()) return status_;  // a retransmission of what we have
  try {
    if (offset <= contiguous_.size()) {
      const size_t fresh = static_cast<size_t>(offset + data.size() - contiguous_.size());
      contiguous_.insert(contiguous_.end(), data.end() - fresh, data.end());
    } else {
      auto& chunk = pending_[offset];
      if (chunk.size() < data.size()) {  // keep the longest of repeated chunks at one offset
        if (pending_bytes_ - chunk.size() + data.size() > limit_) {
          status_ = Status::kOverflow;
          return status_;
        }
        pending_bytes_ = pending_bytes_ - chunk.size() + data.size();
        chunk.assign(data.begin(), data.end());
      }
    }
    absorb_pending();
  } catch (...) {  // bad_alloc: as if over the limit
    status_ = Status::kOverflow;
    return status_;
  }
  check_complete();
  return status_;
}

// Moves every held chunk that now touches the contiguous prefix into it.
void CryptoStream::absorb_pending() {
  while (!pending_.empty() && pending_.begin()->first <= contiguous_.size()) {
    auto node = pending_.extract(pending_.begin());
    const uint64_t end = node.key() + node.mapped().size();
    pending_bytes_ -= node.mapped().size();
    if (end > contiguous_.size()) {
      const size_t fresh = static_cast<size_t>(end - contiguous_.size());
      contiguous_.insert(contiguous_.end(), node.mapped().end() - fresh, node.mapped().end());
    }
  }
}

// A handshake message is a type byte and a 24-bit length (RFC 8446 4).
void CryptoStream::check_complete() noexcept {
  if (contiguous_.size() < 4) return;
  const size_t length =
      (size_t{contiguous_[1]} << 16) | (size_t{contiguous_[2]} << 8) | contiguous_[3];
  if (4 + length > limit_) {
    status_ = Status::kOverflow;
  } else if (contiguous_.size() >= 4 + length) {
    status_ = Status::kDone;
    contiguous_.resize(4 + length);
    pending_.clear();
    pending_bytes_ = 0;
  }
}

Bytes CryptoStream::first_message() const noexcept {
  if (status_ != Status::kDone) return {};
  return contiguous_;
}

}  // namespace fp::quic
