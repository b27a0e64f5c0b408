#include "capture/pcap_reader.h"

#include <pcap/pcap.h>

#include <cstdio>

namespace fp::capture {

struct PcapReader::Handle {
  pcap_t* pcap = nullptr;
  ~Handle() {
    if (pcap != nullptr) pcap_close(pcap);
  }
};

std::unique_ptr<PcapReader> PcapReader::open(const std::string& path, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Nanosecond precision when the file has it; otherwise libpcap scales microseconds up.
  pcap_t* pcap =
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (pcap == nullptr) {
    error = errbuf;
    return nullptr;
  }
  auto handle = std::make_unique<Handle>();
  handle->pcap = pcap;
  return std::unique_ptr<PcapReader>(new PcapReader(std::move(handle)));
}

std::unique_ptr<PcapReader> PcapReader::open_memory(std::string_view bytes, std::string& error) {
  if (bytes.empty()) {
    error = "empty file";
    return nullptr;
  }
  // fmemopen reads the caller's bytes in place; libpcap closes the FILE with the handle.
  FILE* file = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  if (file == nullptr) {
    error = "cannot open the bytes as a file";
    return nullptr;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (pcap == nullptr) {
    std::fclose(file);
    error = errbuf;
    return nullptr;
  }
  auto handle = std::make_unique<Handle>();
  handle->pcap = pcap;
  return std::unique_ptr<PcapReader>(new PcapReader(std::move(handle)));
}

PcapReader::PcapReader(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {
  link_type_ = pcap_datalink(handle_->pcap);
}

PcapReader::~PcapReader() = default;

std::optional<Frame> PcapReader::next() {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(handle_->pcap, &header, &data);
  if (rc == 1) {
    Frame frame;
    frame.timestamp_us = static_cast<int64_t>(header->ts.tv_sec) * 1'000'000 +
                         static_cast<int64_t>(header->ts.tv_usec) / 1000;
    frame.original_length = header->len;
    frame.data = Bytes(data, header->caplen);
    // pcapng files may mix interfaces of several link types; libpcap reports the first one's.
    frame.link_type = link_type_;
    return frame;
  }
  if (rc == PCAP_ERROR) error_ = pcap_geterr(handle_->pcap);
  return std::nullopt;  // PCAP_ERROR_BREAK: clean end of file
}

uint64_t PcapReader::position() const noexcept {
  FILE* file = pcap_file(handle_->pcap);
  if (file == nullptr) return 0;
  const long pos = std::ftell(file);
  return pos < 0 ? 0 : static_cast<uint64_t>(pos);
}

}  // namespace fp::capture
