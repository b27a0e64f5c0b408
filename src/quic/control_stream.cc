#include "quic/control_stream.h"

#include <algorithm>

#include "quic/frames.h"
#include "quic/limits.h"
#include "quic/packet.h"

namespace fp::quic {

void ControlStreamReader::append(uint64_t offset, Bytes data) noexcept {
  const uint64_t have = stream_.size();
  if (offset > have || offset + data.size() <= have) return;  // a gap before it, or old bytes
  const Bytes fresh = data.subspan(static_cast<size_t>(have - offset));
  const size_t room = limits::kMaxHttp3ControlBytes - stream_.size();
  if (fresh.size() > room) overflow_ = true;
  try {
    stream_.insert(stream_.end(), fresh.begin(), fresh.begin() + std::min(room, fresh.size()));
  } catch (...) {  // bad_alloc: treat as the bound
    overflow_ = true;
  }
}

ControlStreamReader::Status ControlStreamReader::add_datagram(Bytes datagram) noexcept {
  auto packet = open_short_header(datagram, dcid_length_, keys_, largest_pn_);
  if (!packet) return Status::kNeedMore;
  ++opened_;
  largest_pn_ = std::max(largest_pn_.value_or(0), packet->packet_number);
  for (const StreamFrame& f : read_stream_frames(packet->payload).streams) {
    if (f.stream_id == kFirstClientUniStream) append(f.offset, f.data);
  }
  auto parsed = parse_control_stream_settings(stream_);
  if (parsed) {
    settings_ = std::move(*parsed);
    return Status::kDone;
  }
  if (parsed.error() != Http3Error::kNeedMore) return Status::kError;
  return overflow_ ? Status::kOverflow : Status::kNeedMore;
}

}  // namespace fp::quic
