// SshSession on hand-made streams: which segments count as SSH packets (tshark's reassembly,
// ssh/framing.h), windows of 200, extras. HASSH values are the Rust tool's for ssh.pcapng, whose
// name-lists the builder reproduces (hassh_test.cc checks the same lists).
#include "ssh/session.h"

#include <gtest/gtest.h>

#include "ssh/kexinit_builder.h"

namespace fp::ssh {
namespace {

class Stream {
 public:
  explicit Stream(SshSession& s) : session_(s) {}
  void send(int side, const std::vector<uint8_t>& payload, bool ack_only = false) {
    Segment seg;
    seg.side = side;
    seg.seq = seq_[side];
    seg.payload = payload;
    seg.bare_ack_flags = ack_only;
    session_.on_segment(seg);
    seq_[side] += static_cast<uint32_t>(payload.size());
  }
  void ack(int side) { send(side, {}, true); }

 private:
  SshSession& session_;
  uint32_t seq_[2] = {1000, 5000};
};

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<uint8_t> kNewkeys = test::binary_packet({21});

TEST(SshSession, DetectedByEitherSidesFirstBytes) {
  SshSession s;
  Stream st(s);
  st.ack(0);
  st.send(0, test::bytes_of("GET / HTTP/1.1\r\n\r\n"));
  st.send(1, test::bytes_of("SSH-2.0-late\r\n"));  // not the first bytes of the stream's start
  EXPECT_TRUE(s.detected());  // the server's first bytes are an identification line
  SshSession quiet;
  Stream q(quiet);
  q.ack(0);
  q.send(0, test::bytes_of("hello"));
  EXPECT_FALSE(quiet.detected());
  EXPECT_TRUE(quiet.summary().ja4ssh.empty());
}

TEST(SshSession, CountsSegmentsAsTsharkReassemblesThem) {
  SshSession s;
  Stream st(s);
  st.ack(0);  // handshake ACK: bare
  st.send(1, test::bytes_of("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1\r\n"));
  st.send(0, test::bytes_of("SSH-2.0-OpenSSH_7.6p1 Ubuntu-4ubuntu0.5\r\n"));
  // The client's KEXINIT in three segments: the first starts it (counted), the second is in
  // the middle (not counted; flags ACK only, so a bare ACK), the third completes it (counted).
  test::KexinitLists l;
  l.kex = "curve25519-sha256";
  l.encryption_c2s = l.encryption_s2c = "aes128-ctr";
  l.mac_c2s = l.mac_s2c = "hmac-sha2-256";
  const std::vector<uint8_t> kexinit = test::binary_packet(test::kexinit_payload(l));
  ASSERT_GT(kexinit.size(), 60u);
  st.send(0, {kexinit.begin(), kexinit.begin() + 20});
  st.send(0, {kexinit.begin() + 20, kexinit.begin() + 40}, true);
  st.send(0, concat({kexinit.begin() + 40, kexinit.end()}, kNewkeys));
  st.send(1, concat(test::binary_packet(test::kexinit_payload(l)), kNewkeys));
  st.send(0, std::vector<uint8_t>(36, 0x55));  // encrypted from here: one packet per segment
  st.send(1, std::vector<uint8_t>(3, 0x55));
  st.ack(1);
  const SshSummary sum = s.summary();
  ASSERT_EQ(sum.ja4ssh.size(), 1u);
  // Client: banner 41, 20, the KEXINIT's rest with NEWKEYS, 36 (each once: the smallest, 20,
  // is the mode); server: banner 41, KEXINIT with NEWKEYS, 3.
  EXPECT_EQ(sum.ja4ssh[0], "c20s3_c4s3_c2s1");
  ASSERT_TRUE(sum.extras);
  EXPECT_EQ(sum.extras->protocol_client, "SSH-2.0-OpenSSH_7.6p1 Ubuntu-4ubuntu0.5");
  EXPECT_EQ(sum.extras->protocol_server, "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1");
  EXPECT_EQ(sum.extras->encryption_algorithm, "aes128-ctr");
  ASSERT_TRUE(sum.extras->hassh);
  EXPECT_EQ(sum.extras->hassh->raw, "curve25519-sha256;aes128-ctr;hmac-sha2-256;none");
}

TEST(SshSession, WindowsOf200PacketsThenAPartialOne) {
  SshSession s;
  Stream st(s);
  st.send(1, test::bytes_of("SSH-1.5-x\n"));
  st.send(0, test::bytes_of("SSH-1.5-y\n"));
  // SSH-1 packets: length 5 -> 4 + 5 + 3 = 12 bytes each, framed even while encrypted.
  std::vector<uint8_t> ssh1 = {0, 0, 0, 5};
  ssh1.resize(12, 0x11);
  for (int i = 0; i < 398; ++i) st.send(i % 2, ssh1);
  EXPECT_EQ(s.summary().ja4ssh.size(), 2u);  // no SSH packet after the second window closed
  st.ack(0);
  st.send(0, ssh1);
  const SshSummary sum = s.summary();
  ASSERT_EQ(sum.ja4ssh.size(), 3u);
  EXPECT_EQ(sum.ja4ssh[0], "c12s12_c100s100_c0s0");
  EXPECT_EQ(sum.ja4ssh[1], "c12s12_c100s100_c0s0");
  EXPECT_EQ(sum.ja4ssh[2], "c12s0_c1s0_c1s0");
  ASSERT_TRUE(sum.extras);
  EXPECT_FALSE(sum.extras->hassh);  // SSH-1 has no KEXINIT: the reference writes null
  EXPECT_EQ(sum.extras->protocol_server, "SSH-1.5-x");
}

// sshv1.pcap frames 63-68: tshark 4.0 reassembles an SSH-1 packet cut by a segment end 4 bytes
// short, so its last 4 bytes become the next packet's length (here 0xffffffff-ish: never
// complete) and the following segment is not an SSH packet (the reference's s23, not s25).
TEST(SshSession, Ssh1ReassemblyEndsFourBytesEarlyAsTshark) {
  SshSession s;
  Stream st(s);
  st.send(1, test::bytes_of("SSH-1.5-x\n"));
  st.send(0, test::bytes_of("SSH-1.5-y\n"));
  std::vector<uint8_t> big = {0, 0, 1, 0xe0};  // length 480: 4 + 480 + 8 = 492 bytes
  big.resize(492, 0xff);
  std::vector<uint8_t> first = {0, 0, 0, 5};  // a whole 12-byte packet, then big's first 16
  first.resize(12, 0x11);
  first.insert(first.end(), big.begin(), big.begin() + 16);
  st.send(1, first);                                 // starts packets: counted
  st.send(1, {big.begin() + 16, big.end()});         // completes (4 bytes early): counted
  st.send(1, std::vector<uint8_t>(28, 0x22), true);  // inside the bogus packet: a bare ACK
  const SshSummary sum = s.summary();
  ASSERT_EQ(sum.ja4ssh.size(), 1u);
  EXPECT_EQ(sum.ja4ssh[0], "c10s10_c1s3_c0s1");
}

// ssh2-malformed.pcap: the server's group-exchange reply carries a host key whose RSA modulus
// claims 2,021,161,080 bytes. tshark stops reading that segment, so the NEWKEYS after the reply
// is not seen and the server's first encrypted segment is framed as an unencrypted packet with
// a huge length; the segment after it is then not an SSH packet.
TEST(SshSession, MalformedKexReplyHidesTheNewkeysAfterIt) {
  SshSession s;
  Stream st(s);
  st.send(1, test::bytes_of("SSH-1.99-OpenSSH_3.9p1\r\n"));
  st.send(0, test::bytes_of("SSH-2.0-OpenSSH_5.3\r\n"));
  test::KexinitLists l;
  l.kex = "diffie-hellman-group-exchange-sha1";
  l.encryption_c2s = l.encryption_s2c = "aes128-cbc";
  l.mac_c2s = l.mac_s2c = "hmac-md5";
  st.send(0, test::binary_packet(test::kexinit_payload(l)));
  st.send(1, test::binary_packet(test::kexinit_payload(l)));
  std::vector<uint8_t> key;
  test::put_string(key, "ssh-rsa");
  test::put_u32(key, 1);  // e
  key.push_back(3);
  test::put_u32(key, 2021161080);  // n: far past the message
  key.resize(key.size() + 16, 0);
  std::vector<uint8_t> reply = {kMsgKexGexReply};
  test::put_string(reply, std::string(key.begin(), key.end()));
  st.send(1, concat(test::binary_packet(reply), kNewkeys));
  st.send(0, kNewkeys);
  std::vector<uint8_t> encrypted(48, 0x61);    // read as packet_length 0x61616161
  st.send(1, encrypted);                       // starts that "packet": counted
  st.send(1, std::vector<uint8_t>(80, 0x62));  // inside it: not counted (flags PSH+ACK)
  const SshSummary sum = s.summary();
  ASSERT_EQ(sum.ja4ssh.size(), 1u);
  // Client: banner 21, KEXINIT, NEWKEYS 16. Server: banner 24, KEXINIT, reply+NEWKEYS, 48
  // (each once, so the smallest is the mode); the 80 is not counted.
  EXPECT_EQ(sum.ja4ssh[0].substr(0, sum.ja4ssh[0].find('_')), "c16s24");
  EXPECT_EQ(sum.ja4ssh[0].substr(sum.ja4ssh[0].find('_')), "_c3s4_c0s0");
}

}  // namespace
}  // namespace fp::ssh
