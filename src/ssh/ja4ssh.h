#pragma once
// JA4SSH (FoxIO, spec/JA4SSH.png; FoxIO License 1.1): one fingerprint per window of 200 SSH
// packets of a session,
//
//   c{client mode}s{server mode}_c{client SSH packets}s{server SSH packets}_c{client ACKs}s{server
//   ACKs}
//
// - the mode is the most frequent TCP payload length among the window's SSH packets of that
//   side; on a tie the smaller length wins; a side without SSH packets gives 0;
// - an "SSH packet" is a TCP segment that tshark's SSH dissector reads (ssh/session.h says
//   which ones those are);
// - a bare ACK is a segment that is not an SSH packet and whose TCP flags are exactly ACK.
//
// As FoxIO's Rust tool (ja4 ssh.rs): a window closes when its SSH packets (both sides) reach
// 200, and all counts start again from zero; at the end of the stream a partial window is
// emitted when it holds at least one SSH packet. The Python tool windows differently
// (docs/fingerprints.md); the Rust output is the reference.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fp::ssh {

class Ja4sshWindow {
 public:
  void add_ssh_packet(int side, uint32_t tcp_payload_length);
  void add_bare_ack(int side) noexcept { ++acks_[side]; }

  [[nodiscard]] uint32_t ssh_packets() const noexcept { return packets_[0] + packets_[1]; }
  // The fingerprint of the counts so far.
  [[nodiscard]] std::string fingerprint() const;
  void reset();

 private:
  // (payload length, packets): at most 200 entries per window, searched linearly.
  using Histogram = std::vector<std::pair<uint32_t, uint32_t>>;
  [[nodiscard]] static uint32_t mode(const Histogram& h) noexcept;

  Histogram lengths_[2];
  uint32_t packets_[2] = {0, 0};
  uint32_t acks_[2] = {0, 0};
};

}  // namespace fp::ssh
