#include "ssh/framing.h"

#include <algorithm>
#include <cstdint>

#include "ssh/limits.h"

namespace fp::ssh {
namespace {

constexpr size_t kLengthField = 4;
// packet_length, padding_length and the message code: enough to know what an SSH-2 packet is.
constexpr size_t kSsh2Header = 6;
constexpr uint32_t kSsh1Block = 8;

uint32_t be32(const std::vector<uint8_t>& b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

Bytes take(Bytes& segment, size_t n) {
  const Bytes head = segment.first(std::min(n, segment.size()));
  segment = segment.subspan(head.size());
  return head;
}

}  // namespace

void PduFramer::start_pdu() noexcept {
  in_pdu_ = true;
  length_known_ = false;
  keep_body_ = false;
  remaining_ = 0;
  kept_.clear();
}

void PduFramer::resync() noexcept {
  in_pdu_ = false;
  kept_.clear();
  kept_.shrink_to_fit();
}

bool PduFramer::feed(Bytes segment, PduSink& sink) {
  bool shown = !in_pdu_;  // a segment that starts a PDU is dissected
  while (!segment.empty()) {
    if (mode_ == Mode::kEncrypted) {
      in_pdu_ = false;  // the whole rest is one encrypted packet to tshark
      return true;
    }
    if (!in_pdu_) start_pdu();
    bool completed = false;
    const bool ok = mode_ == Mode::kLines ? read_line(segment, sink, completed)
                                          : read_binary(segment, sink, completed);
    if (completed) shown = true;  // the segment that completes a reassembled PDU is dissected
    if (!ok) {
      resync();
      return shown;
    }
  }
  if (!in_pdu_) resync();
  return shown;
}

bool PduFramer::read_line(Bytes& segment, PduSink& sink, bool& completed) {
  const auto lf = std::find(segment.begin(), segment.end(), uint8_t{'\n'});
  const bool ends = lf != segment.end();
  const size_t n = ends ? static_cast<size_t>(lf - segment.begin()) + 1 : segment.size();
  const Bytes part = take(segment, n);
  const size_t room = limits::kMaxBannerLine - std::min(kept_.size(), limits::kMaxBannerLine);
  kept_.insert(kept_.end(), part.begin(), part.begin() + std::min(room, part.size()));
  if (!ends) return true;
  completed = true;
  in_pdu_ = false;
  sink.on_line(kept_);
  return true;
}

// tshark 4.0 asks TCP for an SSH-1 packet that does not fit in the segment 4 bytes short
// (desegment_len = length + padding - remaining, without the length field), and takes the
// shortened reassembly as the whole packet; what the true packet still holds is then read as
// the next packet's length. `remaining_` bytes are missing from the segment: the packet ends 4
// bytes early when more than 4 are missing, at the segment's end when exactly 4 are, and never
// (tshark's request underflows) when fewer are.
uint64_t PduFramer::ssh1_reassembly(Bytes segment) const noexcept {
  constexpr uint64_t kShortBy = kLengthField;
  const uint64_t missing = remaining_ - segment.size();
  if (missing > kShortBy) return remaining_ - kShortBy;
  if (missing == kShortBy) return segment.size();
  return UINT64_MAX;
}

// Reads packet_length (and, for SSH-2, padding_length and the message code); false while
// they are still incomplete at the segment's end.
bool PduFramer::read_header(Bytes& segment, PduSink& sink) {
  if (kept_.size() < kLengthField) {
    const Bytes part = take(segment, kLengthField - kept_.size());
    kept_.insert(kept_.end(), part.begin(), part.end());
    if (kept_.size() < kLengthField) return false;
  }
  const uint64_t length = be32(kept_);
  const uint64_t total = mode_ == Mode::kSsh2
                             ? kLengthField + length
                             : kLengthField + length + (kSsh1Block - length % kSsh1Block);
  if (mode_ == Mode::kSsh2) {
    const size_t header = static_cast<size_t>(std::min<uint64_t>(kSsh2Header, total));
    const Bytes part = take(segment, header - std::min(header, kept_.size()));
    kept_.insert(kept_.end(), part.begin(), part.end());
    if (kept_.size() < header) return false;
  }
  length_known_ = true;
  remaining_ = total - std::min<uint64_t>(total, kept_.size());
  if (mode_ == Mode::kSsh1 && remaining_ > segment.size()) remaining_ = ssh1_reassembly(segment);
  keep_body_ = mode_ == Mode::kSsh2 && kept_.size() == kSsh2Header &&
               total <= limits::kMaxKeptPacket && sink.wants_body(kept_[5]);
  return true;
}

bool PduFramer::read_binary(Bytes& segment, PduSink& sink, bool& completed) {
  if (!length_known_ && !read_header(segment, sink)) return true;
  const Bytes part = take(segment, static_cast<size_t>(std::min<uint64_t>(remaining_, SIZE_MAX)));
  remaining_ -= part.size();
  if (keep_body_) kept_.insert(kept_.end(), part.begin(), part.end());
  if (remaining_ > 0) return true;
  completed = true;
  in_pdu_ = false;
  return mode_ != Mode::kSsh2 || sink.on_packet(kept_);
}

}  // namespace fp::ssh
