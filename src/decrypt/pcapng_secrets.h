#pragma once
// The TLS key logs a pcapng file carries in Decryption Secrets Blocks (pcapng spec,
// draft-ietf-opsawg-pcapng 4.7: block type 0x0000000A; secrets type 0x544c534b "TLSK" is an NSS
// key log). libpcap skips these blocks, so we walk the file's blocks ourselves: every block's
// type and length are read, only DSBs are read whole. Both byte orders, several sections.
// A file that is not pcapng (a classic pcap) gives no secrets and no error.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"

namespace fp::decrypt {

inline constexpr uint32_t kDecryptionSecretsBlock = 0x0000000A;
inline constexpr uint32_t kSecretsTlsKeyLog = 0x544c534b;
// A DSB larger than this is skipped and counted (a key log line is about 180 bytes).
inline constexpr uint32_t kMaxSecretsBlock = 16u << 20;
// Blocks walked at most: a bound on the work a damaged file can cause.
inline constexpr uint64_t kMaxPcapngBlocks = uint64_t{1} << 32;

enum class PcapngError : uint8_t {
  kTruncated,  // the file ends inside a block
  kBadBlock,   // a block length below 12, not a multiple of 4, or a bad byte-order magic
};

[[nodiscard]] std::string_view describe(PcapngError error) noexcept;

struct PcapngSecrets {
  std::vector<std::string> tls_key_logs;  // each DSB's key log text, in file order
  size_t other_secrets = 0;               // DSBs of other secrets types (WireGuard, ZigBee...)
  size_t oversized = 0;                   // DSBs past kMaxSecretsBlock, skipped
  bool pcapng = false;                    // the file starts with a Section Header Block
};

// From the bytes of a whole file.
[[nodiscard]] Result<PcapngSecrets, PcapngError> read_pcapng_secrets(Bytes file) noexcept;
// From an open file, read from its current position to the end (seeking past other blocks).
[[nodiscard]] Result<PcapngSecrets, PcapngError> read_pcapng_secrets(std::FILE* file) noexcept;

}  // namespace fp::decrypt
