// HASSH and FoxIO's encryption_algorithm from KEXINITs built with the name-lists tshark 4.0.17
// shows in the reference captures; expected values are the Rust tool's (expected/rust-json).
#include "ssh/hassh.h"

#include <gtest/gtest.h>

#include "ssh/kexinit_builder.h"

namespace fp::ssh {
namespace {

// ssh.pcapng, tcp stream 0 (OpenSSH 7.6p1 client, OpenSSH 8.9p1 server).
test::KexinitLists ssh_pcapng_client() {
  test::KexinitLists l;
  l.kex =
      "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
      "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
      "diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,"
      "diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,ext-info-c";
  l.encryption_c2s = l.encryption_s2c =
      "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
      "aes256-gcm@openssh.com";
  l.mac_c2s = l.mac_s2c =
      "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
      "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
      "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
  l.compression_c2s = l.compression_s2c = "none,zlib@openssh.com,zlib";
  return l;
}

test::KexinitLists ssh_pcapng_server() {
  test::KexinitLists l = ssh_pcapng_client();
  l.kex =
      "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
      "ecdh-sha2-nistp521,sntrup761x25519-sha512@openssh.com,"
      "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
      "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
  l.compression_c2s = l.compression_s2c = "none,zlib@openssh.com";
  return l;
}

KexInit parsed(const test::KexinitLists& l) {
  auto k = parse_kexinit(test::kexinit_payload(l));
  EXPECT_TRUE(k.ok());
  return k.ok() ? *k : KexInit{};
}

TEST(Hassh, ClientAndServerOfSshPcapng) {
  const KexInit client = parsed(ssh_pcapng_client());
  const KexInit server = parsed(ssh_pcapng_server());
  const Fingerprint c = hassh(client);
  EXPECT_EQ(c.hash, "06046964c022c6407d15a27b12a6a4fb");
  EXPECT_EQ(c.raw, client.kex + ";" + client.encryption_c2s + ";" + client.mac_c2s + ";" +
                       client.compression_c2s);
  EXPECT_EQ(hassh_server(server).hash, "699519fdcc30cbcd093d5cd01e4b1d56");
  EXPECT_EQ(ja4ssh_encryption(client, server), "chacha20-poly1305@openssh.com");
}

// ssh-r.pcap stream 1: the client lists chacha20 first, the server aes256-gcm first; the
// reference reports aes256-gcm@openssh.com (the server's order), unlike RFC 4253 negotiation.
TEST(Hassh, EncryptionFollowsTheServersOrderAsTheReference) {
  KexInit client, server;
  client.encryption_c2s =
      "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
      "aes256-gcm@openssh.com,aes128-cbc,aes192-cbc,aes256-cbc";
  server.encryption_s2c =
      "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes128-gcm@openssh.com,"
      "aes128-ctr";
  EXPECT_EQ(ja4ssh_encryption(client, server), "aes256-gcm@openssh.com");
  EXPECT_EQ(negotiated(client.encryption_c2s, server.encryption_s2c),
            "chacha20-poly1305@openssh.com");
  server.encryption_s2c = "3des-cbc";
  EXPECT_EQ(ja4ssh_encryption(client, server), "");
}

TEST(Kexinit, RejectsOtherMessagesAndTruncation) {
  std::vector<uint8_t> payload = test::kexinit_payload(ssh_pcapng_client());
  EXPECT_EQ(parse_kexinit({}).error(), SshError::kNotKexinit);
  payload[0] = 21;
  EXPECT_EQ(parse_kexinit(payload).error(), SshError::kNotKexinit);
  payload[0] = 20;
  // Cut inside the mac lists: truncated, whatever length the first lists claim.
  const size_t cut = 1 + 16 + 4 * 5 + ssh_pcapng_client().kex.size() + 40;
  EXPECT_EQ(parse_kexinit(Bytes(payload).first(cut)).error(), SshError::kTruncated);
  EXPECT_STRNE(describe(SshError::kTruncated), "");
}

TEST(Kexinit, NameListLengthPastTheEndIsTruncated) {
  std::vector<uint8_t> payload = {20};
  payload.insert(payload.end(), 16, 0);
  test::put_u32(payload, 0xffffffffu);
  EXPECT_EQ(parse_kexinit(payload).error(), SshError::kTruncated);
}

}  // namespace
}  // namespace fp::ssh
