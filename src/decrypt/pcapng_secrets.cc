#include "decrypt/pcapng_secrets.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace fp::decrypt {
namespace {

constexpr uint32_t kSectionHeaderBlock = 0x0A0D0D0A;  // the same in both byte orders
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr size_t kBlockHeader = 8;  // type, total length
constexpr size_t kMinBlock = 12;    // header + trailing total length
constexpr size_t kDsbFixed = 8;     // secrets type, secrets length

uint32_t load_u32(const uint8_t* p, bool big_endian) noexcept {
  if (big_endian) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
  }
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}

// Where the blocks come from: the bytes of a file in memory, or a FILE*.
class MemorySource {
 public:
  explicit MemorySource(Bytes bytes) noexcept : bytes_(bytes) {}
  // Reads exactly n bytes into out; false at the end of the bytes.
  bool read(size_t n, std::vector<uint8_t>& out) {
    if (bytes_.size() - pos_ < n) return false;
    out.assign(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_),
               bytes_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return true;
  }
  bool skip(uint64_t n) noexcept {
    if (bytes_.size() - pos_ < n) return false;
    pos_ += static_cast<size_t>(n);
    return true;
  }
  bool at_end() const noexcept { return pos_ == bytes_.size(); }

 private:
  Bytes bytes_;
  size_t pos_ = 0;
};

class FileSource {
 public:
  explicit FileSource(std::FILE* file) noexcept : file_(file) {}
  bool read(size_t n, std::vector<uint8_t>& out) {
    out.resize(n);
    return std::fread(out.data(), 1, n, file_) == n;
  }
  bool skip(uint64_t n) noexcept {
    // fseek past the end succeeds silently; the next read then finds the end.
    return std::fseek(file_, static_cast<long>(n), SEEK_CUR) == 0;
  }
  bool at_end() noexcept {
    const int c = std::fgetc(file_);
    if (c == EOF) return true;
    std::ungetc(c, file_);
    return false;
  }

 private:
  std::FILE* file_;
};

// A DSB body (after type and length): secrets type, secrets length, secrets, padding, options.
void read_dsb(Bytes body, bool big_endian, PcapngSecrets& out) {
  if (body.size() < kDsbFixed) return;
  const uint32_t type = load_u32(body.data(), big_endian);
  const uint32_t length = load_u32(body.data() + 4, big_endian);
  if (type != kSecretsTlsKeyLog) {
    ++out.other_secrets;
    return;
  }
  const size_t take = std::min<size_t>(length, body.size() - kDsbFixed);
  out.tls_key_logs.emplace_back(reinterpret_cast<const char*>(body.data()) + kDsbFixed, take);
}

template <typename Source>
Result<PcapngSecrets, PcapngError> walk(Source& source) {
  PcapngSecrets out;
  bool big_endian = false;
  std::vector<uint8_t> header, body;
  for (uint64_t blocks = 0; blocks < kMaxPcapngBlocks && !source.at_end(); ++blocks) {
    if (!source.read(kBlockHeader, header)) return Unexpected{PcapngError::kTruncated};
    const bool section = load_u32(header.data(), false) == kSectionHeaderBlock;
    if (blocks == 0 && !section) return out;  // not pcapng: nothing to find
    if (section) {
      // The byte-order magic right after the header sets the order of this section.
      std::vector<uint8_t> magic;
      if (!source.read(4, magic)) return Unexpected{PcapngError::kTruncated};
      if (load_u32(magic.data(), false) == kByteOrderMagic) {
        big_endian = false;
      } else if (load_u32(magic.data(), true) == kByteOrderMagic) {
        big_endian = true;
      } else {
        return Unexpected{PcapngError::kBadBlock};
      }
      out.pcapng = true;
    }
    const uint32_t type = load_u32(header.data(), big_endian);
    const uint32_t total = load_u32(header.data() + 4, big_endian);
    if (total < kMinBlock || total % 4 != 0) return Unexpected{PcapngError::kBadBlock};
    const uint64_t rest = total - kBlockHeader - (section ? 4 : 0);
    if (type == kDecryptionSecretsBlock && total > kMaxSecretsBlock) ++out.oversized;
    if (type != kDecryptionSecretsBlock || total > kMaxSecretsBlock) {
      if (!source.skip(rest)) return Unexpected{PcapngError::kTruncated};
      continue;
    }
    if (!source.read(static_cast<size_t>(rest), body)) return Unexpected{PcapngError::kTruncated};
    read_dsb(Bytes(body).first(body.size() - 4), big_endian, out);  // without the trailing length
  }
  return out;
}

}  // namespace

std::string_view describe(PcapngError error) noexcept {
  switch (error) {
    case PcapngError::kTruncated:
      return "pcapng file ends inside a block";
    case PcapngError::kBadBlock:
      return "pcapng block with an impossible length or byte-order magic";
  }
  return "unknown";
}

Result<PcapngSecrets, PcapngError> read_pcapng_secrets(Bytes file) noexcept {
  try {
    MemorySource source(file);
    return walk(source);
  } catch (...) {
    return Unexpected{PcapngError::kTruncated};  // allocation failure
  }
}

Result<PcapngSecrets, PcapngError> read_pcapng_secrets(std::FILE* file) noexcept {
  try {
    FileSource source(file);
    return walk(source);
  } catch (...) {
    return Unexpected{PcapngError::kTruncated};
  }
}

}  // namespace fp::decrypt
