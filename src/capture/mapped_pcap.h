#pragma once
// Records of a classic pcap file (format 2.4, not pcapng) read in place from a read-only memory
// mapping. libpcap's reader copies every byte twice (the kernel into stdio's buffer, stdio into
// libpcap's own) although `analyze` reads only the headers and handshakes of each packet: on a
// capture of TLS connections those copies were a fifth of its time. The header and records are
// read with libpcap's rules, link-type numbering, limits and error messages (compared with
// libpcap's on every file in tests/capture/mapped_pcap_test.cc); a file this does not take
// (pcapng, another format version, a link type we do not decode) is read through libpcap. Only a
// window of the file is mapped in at a time, so memory stays flat however large the file.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "capture/pcap_reader.h"

namespace fp::capture {

class MappedPcap {
 public:
  // nullptr when `path` is not a regular file that starts with a classic pcap 2.4 header of a
  // link type link_layer.h decodes (the caller then reads it through libpcap, as it does pcapng,
  // pipes and older formats).
  static std::unique_ptr<MappedPcap> open(const std::string& path);
  // The same over bytes in memory, which must outlive the reader (the fuzz target).
  static std::unique_ptr<MappedPcap> over(Bytes bytes);
  ~MappedPcap();
  MappedPcap(const MappedPcap&) = delete;
  MappedPcap& operator=(const MappedPcap&) = delete;

  // The link type as libpcap numbers it (pcap_datalink: LINKTYPE_RAW is DLT_RAW).
  [[nodiscard]] int link_type() const noexcept { return link_type_; }
  // As pcap_snapshot: the header's snapshot length, or 262144 when that is 0 or past INT_MAX. A
  // longer record is cut to it, as libpcap cuts it.
  [[nodiscard]] uint32_t snapshot() const noexcept { return snapshot_; }

  // The next record; nullopt at the end of the file or at damage, which error() then names.
  [[nodiscard]] std::optional<Frame> next();
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] uint64_t position() const noexcept { return offset_; }

 private:
  MappedPcap(const uint8_t* data, size_t size, bool mapped) noexcept
      : data_(data), size_(size), mapped_(mapped) {}
  // False when the bytes do not start with a classic pcap 2.4 header.
  [[nodiscard]] bool read_header() noexcept;
  [[nodiscard]] uint32_t field(size_t at) const noexcept;
  void slide_window(size_t record_start) noexcept;

  const uint8_t* data_;
  size_t size_;
  bool mapped_;  // unmapped by the destructor
  size_t offset_ = 0;
  size_t mapped_to_ = 0;     // pages up to here are mapped in (a window ahead of offset_)
  size_t released_ = 0;      // pages before here were let go
  bool swapped_ = false;     // written in the other byte order
  bool nanosecond_ = false;  // the second timestamp field counts nanoseconds
  uint32_t snapshot_ = 262144;
  int link_type_ = 0;
  std::string error_;
};

}  // namespace fp::capture
