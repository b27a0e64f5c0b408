#pragma once
// Reassembles the start of one direction's Initial CRYPTO stream (RFC 9000 19.6) until its first
// handshake message is complete. Frames may come in any order, overlap, repeat, and span several
// packets and datagrams: a post-quantum ClientHello does (TRAPS.md, "Split ClientHellos").
// Bounded to limits::kMaxQuicCryptoBytes of stream and as many bytes held out of order.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/byte_reader.h"
#include "quic/limits.h"

namespace fp::quic {

class CryptoStream {
 public:
  enum class Status : uint8_t {
    kNeedMore,  // the first message is not complete yet
    kDone,      // first_message() is available
    kOverflow,  // data beyond the limit, or a message larger than it: give up on this stream
  };

  explicit CryptoStream(size_t limit = limits::kMaxQuicCryptoBytes) noexcept : limit_(limit) {}

  // Adds the bytes at stream offset `offset`. Once kDone or kOverflow, further data is ignored.
  Status add(uint64_t offset, Bytes data) noexcept;

  [[nodiscard]] Status status() const noexcept { return status_; }

  // The first handshake message, its 4-byte header included (only when kDone).
  [[nodiscard]] Bytes first_message() const noexcept;

 private:
  void absorb_pending();
  void check_complete() noexcept;

  size_t limit_;
  Status status_ = Status::kNeedMore;
  std::vector<uint8_t> contiguous_;                   // stream bytes from offset 0
  std::map<uint64_t, std::vector<uint8_t>> pending_;  // chunks after a gap, by offset
  size_t pending_bytes_ = 0;
};

}  // namespace fp::quic
