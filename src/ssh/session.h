#pragma once
// One TCP stream seen as SSH: fed every packet of the stream in capture order (bare ACKs and
// packets after the handshake too, since JA4SSH counts them), it yields FoxIO's `ja4ssh` list
// and `ssh_extras` (HASSH, HASSH server, identification strings, cipher), as the Rust tool.
//
// A stream is SSH once the first payload of either direction starts with "SSH-" (RFC 4253 4.2).
// Memory per stream: counts, and the bytes of at most one unfinished PDU per direction while the
// connection is unencrypted (a KEXINIT or key exchange reply, limits::kMaxKeptPacket).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "core/fingerprint.h"
#include "ssh/extras.h"
#include "ssh/framing.h"
#include "ssh/ja4ssh.h"
#include "ssh/kexinit.h"

namespace fp::ssh {

// One packet of the stream: `side` 0 is the client (the stream's first sender), 1 the server.
struct Segment {
  int side = 0;
  uint32_t seq = 0;
  Bytes payload;
  bool bare_ack_flags = false;  // the TCP flags are exactly ACK (tshark tcp.flags == 0x010)
};

struct SshSummary {
  std::vector<std::string> ja4ssh;  // empty: no SSH packet was seen
  std::optional<SshExtras> extras;  // absent when none of its members is known
  uint64_t windows_dropped = 0;     // windows past limits::kMaxJa4sshWindows
};

class SshSession {
 public:
  SshSession();
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  void on_segment(const Segment& segment);
  [[nodiscard]] bool detected() const noexcept { return detail_ != nullptr; }
  // The fingerprints so far, the last (partial) window included.
  [[nodiscard]] SshSummary summary() const;

 private:
  struct Detail;
  void count_ssh_packet(int side, uint32_t length);

  Ja4sshWindow window_;
  std::vector<std::string> ja4ssh_;
  uint64_t windows_dropped_ = 0;
  bool payload_seen_[2] = {false, false};
  std::unique_ptr<Detail> detail_;  // made when the stream turns out to be SSH
};

}  // namespace fp::ssh
