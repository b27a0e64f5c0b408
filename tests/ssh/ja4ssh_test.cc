// The JA4SSH window: mode with the smaller length on ties, and the string's shape. The cases are
// the ones of FoxIO's Rust tool (ja4 ssh.rs test_min_key_with_max_value) and of the spec's
// examples (spec/JA4SSH.png).
#include "ssh/ja4ssh.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

namespace fp::ssh {
namespace {

void add(Ja4sshWindow& w, int side, std::initializer_list<std::pair<uint32_t, int>> counts) {
  for (auto [length, n] : counts) {
    for (int i = 0; i < n; ++i) w.add_ssh_packet(side, length);
  }
}

TEST(Ja4ssh, ModeIsTheMostFrequentLength) {
  Ja4sshWindow w;
  add(w, 0, {{36, 20}, {128, 10}, {200, 15}});
  EXPECT_EQ(w.fingerprint(), "c36s0_c45s0_c0s0");
}

TEST(Ja4ssh, TiesGoToTheSmallerLengthWhateverTheOrder) {
  Ja4sshWindow w;
  add(w, 0, {{21, 1}, {16, 1}, {64, 1}, {144, 1}, {24, 1}, {48, 1}, {792, 1}});
  add(w, 1, {{23, 1}, {152, 1}, {48, 1}, {640, 1}, {464, 1}});
  EXPECT_EQ(w.fingerprint(), "c16s23_c7s5_c0s0");
}

TEST(Ja4ssh, SpecInteractiveExampleShape) {
  Ja4sshWindow w;
  add(w, 0, {{36, 51}});
  add(w, 1, {{36, 70}, {52, 10}});
  for (int i = 0; i < 69; ++i) w.add_bare_ack(0);
  EXPECT_EQ(w.fingerprint(), "c36s36_c51s80_c69s0");
  EXPECT_EQ(w.ssh_packets(), 131u);
  w.reset();
  EXPECT_EQ(w.fingerprint(), "c0s0_c0s0_c0s0");
  EXPECT_EQ(w.ssh_packets(), 0u);
}

}  // namespace
}  // namespace fp::ssh
