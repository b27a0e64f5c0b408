#pragma once
// Where tshark 4.0's SSH dissector sees packet boundaries in one direction of a stream, so that
// JA4SSH counts the same TCP segments as FoxIO's reference (which counts the segments tshark
// shows with an `ssh` layer). Fed the direction's segments in order, it says of each whether it
// is such a segment, and hands over the messages the session needs.
//
// What tshark does, and so what this models:
// - identification lines end at LF; an SSH-1 packet is 4 + length + (8 - length % 8) bytes
//   (the length stays readable when encrypted; one cut by the segment end is reassembled 4
//   bytes short, as tshark 4.0 does, see ssh1_reassembly); an unencrypted SSH-2 packet is 4 +
//   packet_length bytes (RFC 4253 6); after its SSH_MSG_NEWKEYS a direction is encrypted and
//   each segment is read as one encrypted packet;
// - a PDU cut by the segment end is reassembled: the segment where it starts and the segment
//   where it completes show `ssh`, the segments in between do not;
// - a malformed message ends the reading of its segment (the sink returns false).

#include <cstdint>
#include <vector>

#include "core/byte_reader.h"

namespace fp::ssh {

class PduSink {
 public:
  virtual ~PduSink() = default;
  // A whole identification or other line, LF included (cut to limits::kMaxBannerLine).
  virtual void on_line(Bytes line) = 0;
  // A whole unencrypted SSH-2 binary packet. `packet` holds it from packet_length on, or only
  // its first six bytes when its body was not kept (see wants_body). False: malformed.
  [[nodiscard]] virtual bool on_packet(Bytes packet) = 0;
  // Whether to keep the body of a packet with this message code.
  [[nodiscard]] virtual bool wants_body(uint8_t message_code) const = 0;
};

class PduFramer {
 public:
  enum class Mode : uint8_t { kLines, kSsh1, kSsh2, kEncrypted };

  // Reads one in-order segment; true when tshark shows it with an `ssh` layer.
  [[nodiscard]] bool feed(Bytes segment, PduSink& sink);
  // After a gap in the sequence numbers: the next segment starts a PDU.
  void resync() noexcept;
  void set_mode(Mode m) noexcept { mode_ = m; }
  [[nodiscard]] Mode mode() const noexcept { return mode_; }

 private:
  // Returns false when the sink found a malformed message (the segment's rest is dropped).
  [[nodiscard]] bool read_line(Bytes& segment, PduSink& sink, bool& completed);
  [[nodiscard]] bool read_binary(Bytes& segment, PduSink& sink, bool& completed);
  [[nodiscard]] bool read_header(Bytes& segment, PduSink& sink);
  [[nodiscard]] uint64_t ssh1_reassembly(Bytes segment) const noexcept;
  void start_pdu() noexcept;

  Mode mode_ = Mode::kLines;
  bool in_pdu_ = false;        // a PDU started in an earlier segment is not complete yet
  bool length_known_ = false;  // its header has been read
  bool keep_body_ = false;
  uint64_t remaining_ = 0;     // bytes of it still to come, once length_known_
  std::vector<uint8_t> kept_;  // its bytes read so far (header, and body when kept)
};

}  // namespace fp::ssh
