#include "ssh/ja4ssh.h"

namespace fp::ssh {

void Ja4sshWindow::add_ssh_packet(int side, uint32_t tcp_payload_length) {
  ++packets_[side];
  for (auto& [length, count] : lengths_[side]) {
    if (length == tcp_payload_length) {
      ++count;
      return;
    }
  }
  lengths_[side].emplace_back(tcp_payload_length, 1);
}

uint32_t Ja4sshWindow::mode(const Histogram& h) noexcept {
  uint32_t best_length = 0, best_count = 0;
  for (const auto& [length, count] : h) {
    if (count > best_count || (count == best_count && length < best_length)) {
      best_length = length;
      best_count = count;
    }
  }
  return best_length;
}

std::string Ja4sshWindow::fingerprint() const {
  return "c" + std::to_string(mode(lengths_[0])) + "s" + std::to_string(mode(lengths_[1])) + "_c" +
         std::to_string(packets_[0]) + "s" + std::to_string(packets_[1]) + "_c" +
         std::to_string(acks_[0]) + "s" + std::to_string(acks_[1]);
}

void Ja4sshWindow::reset() {
  for (Histogram& h : lengths_) h.clear();
  packets_[0] = packets_[1] = 0;
  acks_[0] = acks_[1] = 0;
}

}  // namespace fp::ssh
