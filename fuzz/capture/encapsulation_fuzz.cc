// libFuzzer target: the tunnel decoders of capture/encapsulation.h on untrusted bytes.
// Input: one byte choosing the entry point (modulo 5: GRE, VXLAN, Geneve, GTP-U, or a whole IP
// packet unwrapped as the analyzer does, up to kMaxTunnelDepth times), then the bytes. Every
// returned view must lie inside the input; touching all of it lets ASan check that.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "capture/encapsulation.h"

namespace {

using fp::Bytes;
using fp::capture::TunnelError;
using fp::capture::TunnelPayload;

void check_inside(Bytes outer, Bytes inner) {
  if (inner.empty()) return;
  if (inner.data() < outer.data() || inner.data() + inner.size() > outer.data() + outer.size()) {
    std::abort();
  }
  volatile uint8_t sum = 0;
  for (uint8_t b : inner) sum = sum + b;
}

void check(Bytes input, const fp::Result<TunnelPayload, TunnelError>& r) {
  if (r) check_inside(input, r->bytes);
  (void)fp::capture::describe(r ? TunnelError::kNotTunnel : r.error());
}

void unwrap(Bytes ip) {
  auto packet = fp::tcp::parse_ip_packet(ip);
  for (size_t depth = 0; packet && depth < fp::capture::kMaxTunnelDepth; ++depth) {
    auto inner = fp::capture::inner_ip_packet(*packet);
    if (!inner) return;
    check_inside(ip, *inner);
    packet = fp::tcp::parse_ip_packet(*inner);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Bytes input(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      check(input, fp::capture::decapsulate_gre(input));
      break;
    case 1:
      check(input, fp::capture::decapsulate_vxlan(input));
      break;
    case 2:
      check(input, fp::capture::decapsulate_geneve(input));
      break;
    case 3:
      check(input, fp::capture::decapsulate_gtp_user(input));
      break;
    default:
      unwrap(input);
      break;
  }
  return 0;
}
