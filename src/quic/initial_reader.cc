#include "quic/initial_reader.h"

#include "quic/frames.h"
#include "quic/packet.h"

namespace fp::quic {

CryptoStream::Status InitialReader::add_datagram(Bytes datagram,
                                                 std::optional<Bytes> key_dcid) noexcept {
  if (stream_.status() != CryptoStream::Status::kNeedMore) return stream_.status();
  try {
    for (auto& packet : open_initials(datagram, sender_, key_dcid)) {
      if (!packet) {
        // Other packet types are expected beside Initials; only a failed Initial counts.
        if (packet.error() != PacketError::kNotInitial) ++failed_;
        continue;
      }
      ++opened_;
      if (version_ == 0) {
        version_ = packet->version;
        first_dcid_ = packet->dcid;
      }
      const InitialFrames frames = read_initial_frames(packet->payload);
      if (frames.malformed) ++malformed_;
      for (const CryptoFrame& f : frames.crypto) {
        if (stream_.add(f.offset, f.data) != CryptoStream::Status::kNeedMore) break;
      }
      if (stream_.status() != CryptoStream::Status::kNeedMore) break;
    }
  } catch (...) {  // bad_alloc copying a DCID: the stream stays as it was
  }
  return stream_.status();
}

}  // namespace fp::quic
