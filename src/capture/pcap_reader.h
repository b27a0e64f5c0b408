#pragma once
// Reads pcap and pcapng files through libpcap. One reader per file; frames are views valid until
// the next call to next(). libpcap types stay in the .cc (STYLE.md 16).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/byte_reader.h"

namespace fp::capture {

struct Frame {
  int64_t timestamp_us = 0;  // microseconds since the epoch
  uint32_t original_length = 0;
  Bytes data;  // what was captured (may be less than original_length)
  int link_type = 0;
};

class PcapReader {
 public:
  // nullopt and `error` set when the file cannot be opened as pcap or pcapng.
  static std::unique_ptr<PcapReader> open(const std::string& path, std::string& error);
  // The same for a file held in memory (an upload); `bytes` must outlive the reader.
  static std::unique_ptr<PcapReader> open_memory(std::string_view bytes, std::string& error);
  ~PcapReader();
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  // The next frame, or nullopt at the end of the file or at damage; error() then says which.
  [[nodiscard]] std::optional<Frame> next();
  // Empty after a clean end of file; else what went wrong ("truncated dump file" ...).
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] int link_type() const noexcept { return link_type_; }
  // Bytes of the file consumed so far, for a progress bar.
  [[nodiscard]] uint64_t position() const noexcept;

  // libpcap's handle and what it reads from (opaque; pcap_reader.cc).
  struct Handle;

 private:
  explicit PcapReader(std::unique_ptr<Handle> handle);

  std::unique_ptr<Handle> handle_;
  std::string error_;
  int link_type_ = 0;
};

}  // namespace fp::capture
