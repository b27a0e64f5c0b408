#pragma once
// Every limit the SSH reader puts on untrusted input (STYLE.md 9). The capture boundary counts
// when one trips (capture/counters.h); the readers only report it.

#include <cstddef>

namespace fp::ssh::limits {

// JA4SSH spec (JA4SSH.png): one fingerprint per 200 SSH packets of a session.
inline constexpr size_t kJa4sshWindowPackets = 200;
// Windows kept per stream. 4096 windows cover about 800,000 SSH packets (a transfer of a
// gigabyte); later windows are dropped and counted, so memory per stream stays bounded.
inline constexpr size_t kMaxJa4sshWindows = 4096;
// Unencrypted binary packets whose body we keep (KEXINIT, the server's key exchange reply).
// RFC 4253 6.1 asks implementations to handle 35,000-byte packets; post-quantum hybrid replies
// stay under 4 KB.
inline constexpr size_t kMaxKeptPacket = 64 * 1024;
// Identification lines (RFC 4253 4.2 allows 255 characters, CR LF included); longer lines are
// cut to this for the record, and their end is still looked for.
inline constexpr size_t kMaxBannerLine = 1024;

}  // namespace fp::ssh::limits
