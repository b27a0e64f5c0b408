#pragma once
// Wire bytes for SSH tests: SSH_MSG_KEXINIT payloads from name-lists (RFC 4253 7.1), binary
// packets around a payload (RFC 4253 6), and identification lines.

#include <cstdint>
#include <string>
#include <vector>

namespace fp::ssh::test {

struct KexinitLists {
  std::string kex, host_key = "ssh-ed25519";
  std::string encryption_c2s, encryption_s2c, mac_c2s, mac_s2c;
  std::string compression_c2s = "none", compression_s2c = "none";
};

inline void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

inline void put_string(std::vector<uint8_t>& out, const std::string& s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

inline std::vector<uint8_t> kexinit_payload(const KexinitLists& l) {
  std::vector<uint8_t> out = {20};
  out.insert(out.end(), 16, 0xab);  // cookie
  for (const std::string* s : {&l.kex, &l.host_key, &l.encryption_c2s, &l.encryption_s2c,
                               &l.mac_c2s, &l.mac_s2c, &l.compression_c2s, &l.compression_s2c}) {
    put_string(out, *s);
  }
  put_string(out, "");  // languages c2s
  put_string(out, "");  // languages s2c
  out.push_back(0);     // first_kex_packet_follows
  put_u32(out, 0);      // reserved
  return out;
}

// An unencrypted binary packet: packet_length, padding_length, payload, 4..11 bytes of padding
// so that the whole is a multiple of 8.
inline std::vector<uint8_t> binary_packet(const std::vector<uint8_t>& payload) {
  size_t padding = 8 - (5 + payload.size()) % 8;
  if (padding < 4) padding += 8;
  std::vector<uint8_t> out;
  put_u32(out, static_cast<uint32_t>(1 + payload.size() + padding));
  out.push_back(static_cast<uint8_t>(padding));
  out.insert(out.end(), payload.begin(), payload.end());
  out.insert(out.end(), padding, 0);
  return out;
}

inline std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace fp::ssh::test
