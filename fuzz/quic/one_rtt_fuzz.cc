// Any bytes as a client's 1-RTT datagram of the Chrome connection in
// chrome-cloudflare-quic-with-secrets.pcapng (its CLIENT_TRAFFIC_SECRET_0 and the server's
// 20-byte connection ID), so seeds taken from that capture decrypt: open the short header, read
// the STREAM frames, feed the control stream reader twice (a retransmission). The frame reader
// also gets the raw bytes, as decryption would keep the fuzzer from reaching it.
#include <cstddef>
#include <cstdint>

#include "core/hex.h"
#include "quic/control_stream.h"
#include "quic/frames.h"
#include "quic/packet.h"

namespace {

constexpr const char* kClientTrafficSecret =
    "aa811d6aa2374b5d06563ba419b8dad25a3be0a7b4cb810e75a41402f540d1b4";
constexpr size_t kServerCidLength = 20;

const fp::quic::InitialKeys& keys() {
  static const fp::quic::InitialKeys k =
      *fp::quic::one_rtt_keys(fp::quic::kVersion1, *fp::hex_decode(kClientTrafficSecret));
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes datagram(data, size);
  (void)fp::quic::read_stream_frames(datagram);
  if (auto packet = fp::quic::open_short_header(datagram, kServerCidLength, keys())) {
    (void)fp::quic::read_stream_frames(packet->payload);
  }
  fp::quic::ControlStreamReader reader(keys(), kServerCidLength);
  (void)reader.add_datagram(datagram);
  (void)reader.add_datagram(datagram);
  return 0;
}
