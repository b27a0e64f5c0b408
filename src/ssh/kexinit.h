#pragma once
// SSH_MSG_KEXINIT (RFC 4253 7.1): the algorithm name-lists each side offers, read from the
// payload of one unencrypted binary packet.
//
//   byte      SSH_MSG_KEXINIT (20)
//   byte[16]  cookie
//   name-list kex_algorithms, server_host_key_algorithms,
//             encryption_algorithms_client_to_server, encryption_algorithms_server_to_client,
//             mac_algorithms_client_to_server, mac_algorithms_server_to_client,
//             compression_algorithms_client_to_server, compression_algorithms_server_to_client,
//             languages_client_to_server, languages_server_to_client
//   boolean   first_kex_packet_follows; uint32 reserved
//
// Only the ten name-lists are required (HASSH needs eight of them); what follows them is not
// read. Name-lists are kept as sent (comma-separated ASCII), unvalidated.

#include <cstdint>
#include <string>

#include "core/byte_reader.h"
#include "core/result.h"

namespace fp::ssh {

inline constexpr uint8_t kMsgKexinit = 20;
inline constexpr uint8_t kMsgNewkeys = 21;
// Key exchange replies carrying the server's host key: KEXDH_REPLY / KEX_ECDH_REPLY (RFC 4253
// 8, RFC 5656 4), and KEX_DH_GEX_REPLY for the group-exchange methods (RFC 4419 3).
inline constexpr uint8_t kMsgKexReply = 31;
inline constexpr uint8_t kMsgKexGexReply = 33;

enum class SshError : uint8_t {
  kNotKexinit,  // the payload does not start with SSH_MSG_KEXINIT
  kTruncated,   // a field runs past the end of the payload
};
[[nodiscard]] const char* describe(SshError e) noexcept;

struct KexInit {
  std::string kex, host_key;
  std::string encryption_c2s, encryption_s2c;
  std::string mac_c2s, mac_s2c;
  std::string compression_c2s, compression_s2c;
  std::string languages_c2s, languages_s2c;
};

// `payload` starts at the message code (after packet_length and padding_length); trailing bytes
// (the rest of the packet, padding) are ignored.
[[nodiscard]] Result<KexInit, SshError> parse_kexinit(Bytes payload) noexcept;

// The kex method both sides will use (RFC 4253 7.1): the first of the client's algorithms that
// the server also offers; "" when none is shared.
[[nodiscard]] std::string negotiated(const std::string& client_list,
                                     const std::string& server_list);

// Checks the host key blob K_S at the start of a key exchange reply (payload from the message
// code on), the way tshark 4.0 reads it: each length-prefixed field of a blob of a known key
// type (ssh-rsa, ssh-dss, ecdsa-*, ssh-ed25519, ssh-ed448) must fit in the message. tshark
// stops dissecting a segment at a field that does not, so later packets in it go unseen.
[[nodiscard]] bool host_key_fits(Bytes payload) noexcept;

}  // namespace fp::ssh
