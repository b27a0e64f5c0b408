// libFuzzer target: the proxy handshake recogniser (capture/proxy_handshake.h) on both sides.
// Input: one byte choosing the side (0: the client's request; 1-3: the server's reply to SOCKS4,
// SOCKS5 or HTTP CONNECT, as ProxyKind + 1), then the direction's bytes. Checks the contract:
// a finished scan never claims more bytes than it was given, and every prefix of a finished
// handshake is a NeedMore or the same finished handshake.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "capture/proxy_handshake.h"

namespace {

fp::capture::ProxyScan scan(uint8_t side, fp::Bytes bytes) {
  if (side == 0) return fp::capture::scan_proxy_request(bytes);
  return fp::capture::scan_proxy_reply(static_cast<fp::capture::ProxyKind>(side - 1), bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t side = data[0] % 4;
  const fp::Bytes bytes(data + 1, size - 1);
  const fp::capture::ProxyScan whole = scan(side, bytes);
  (void)fp::capture::describe(whole.error);
  (void)fp::capture::describe(whole.kind);
  if (whole.status != fp::capture::ProxyStatus::kDone) return 0;
  if (whole.consumed == 0 || whole.consumed > bytes.size()) std::abort();
  // The handshake alone is recognised the same way; a cut inside it needs more.
  const fp::capture::ProxyScan exact = scan(side, bytes.first(whole.consumed));
  if (exact.status != whole.status || exact.consumed != whole.consumed) std::abort();
  const fp::capture::ProxyScan cut = scan(side, bytes.first(whole.consumed - 1));
  if (cut.status == fp::capture::ProxyStatus::kDone) std::abort();
  return 0;
}
