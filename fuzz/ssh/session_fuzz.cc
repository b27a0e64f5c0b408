// Any bytes as an SSH stream: the first byte sets the segment size, then the rest is cut into
// segments sent alternately by client and server (a bare ACK after each). The session must not
// crash, and its window counts must add up (every fingerprint has six numbers).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "ssh/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t step = std::max<size_t>(1, data[0]);
  fp::ssh::SshSession session;
  uint32_t seq[2] = {1, 1};
  int side = 1;
  for (size_t pos = 1; pos < size; pos += step) {
    fp::ssh::Segment s;
    s.side = side;
    s.seq = seq[side];
    s.payload = fp::Bytes(data + pos, std::min(step, size - pos));
    session.on_segment(s);
    seq[side] += static_cast<uint32_t>(s.payload.size());
    fp::ssh::Segment ack;
    ack.side = 1 - side;
    ack.seq = seq[1 - side];
    ack.bare_ack_flags = true;
    session.on_segment(ack);
    // Every third segment goes the other way, so both framers see several segments in a row.
    if (pos % 3 == 1) side = 1 - side;
  }
  const fp::ssh::SshSummary summary = session.summary();
  for (const auto& fp : summary.ja4ssh) {
    if (std::count(fp.begin(), fp.end(), '_') != 2) __builtin_trap();
  }
  return 0;
}
