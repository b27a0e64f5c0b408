#pragma once
// JA4T / JA4TS (FoxIO License 1.1), spec: testdata/ja4/spec/JA4T.png.
//   window_options_mss_wscale   e.g. 65535_2-1-3-1-1-8-4-0-0_1346_6
// Options are the TCP option kinds in wire order (NOP and EOL included), decimal, joined by '-'.
// Zero bytes after EOL are listed as further 0s up to the first nonzero byte, and a malformed
// option is left out, as tshark's tcp.option_kind (which the references read) has them.
// MSS and window scale are 0 when absent or of the wrong length. A SYN without options gives
// "8192__0_0" as the Rust reference writes it (the Wireshark plugin writes "8192_00_00_00";
// docs/fingerprints.md).

#include <string>

#include "tcp/packet.h"

namespace fp::tcp {

[[nodiscard]] std::string ja4t(const TcpHeader& syn);       // from a SYN
[[nodiscard]] std::string ja4ts(const TcpHeader& syn_ack);  // from a SYN+ACK, same form

}  // namespace fp::tcp
