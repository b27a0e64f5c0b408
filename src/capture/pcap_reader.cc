#include "capture/pcap_reader.h"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "capture/link_layer.h"
#include "capture/mapped_pcap.h"

namespace fp::capture {

struct PcapReader::Handle {
  pcap_t* pcap = nullptr;
  std::unique_ptr<MappedPcap> mapped;  // a classic pcap file: its records are read from here
  std::unique_ptr<char[]> buffer;      // else the FILE's buffer (glibc ignores a size without one)
  ~Handle() {
    if (pcap != nullptr) pcap_close(pcap);
  }
};

namespace {

constexpr size_t kReadBuffer = size_t{1} << 20;

// The stream libpcap reads `path` through. A classic pcap file is also mapped, and libpcap then
// reads only its header; any other file gets a 1 MiB buffer: libpcap reads each record with two
// freads, and stdio's default buffer made that one read(2) per 4 KiB.
FILE* open_stream(const std::string& path, PcapReader::Handle& handle, std::string& error) {
  if (path == "-") return stdin;  // as pcap_open_offline reads "-"; pcap_close leaves stdin open
  handle.mapped = MappedPcap::open(path);
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  if (!handle.mapped) {
    handle.buffer = std::make_unique_for_overwrite<char[]>(kReadBuffer);
    std::setvbuf(file, handle.buffer.get(), _IOFBF, kReadBuffer);
  }
  return file;
}

}  // namespace

std::unique_ptr<PcapReader> PcapReader::open(const std::string& path, std::string& error) {
  auto handle = std::make_unique<Handle>();
  FILE* file = open_stream(path, *handle, error);
  if (file == nullptr) return nullptr;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Nanosecond precision when the file has it; otherwise libpcap scales microseconds up.
  pcap_t* pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (pcap == nullptr) {
    if (file != stdin) std::fclose(file);
    error = errbuf;
    return nullptr;
  }
  handle->pcap = pcap;
  if (handle->mapped) {
    // The largest snapshot length of every link type we read is libpcap's 262144; others are read
    // by libpcap, which knows theirs.
    if (link_type_supported(pcap_datalink(pcap))) {
      handle->mapped->set_snapshot(static_cast<uint32_t>(pcap_snapshot(pcap)));
    } else {
      handle->mapped.reset();
    }
  }
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
  if (handle_->mapped) {
    auto frame = handle_->mapped->next(link_type_);
    if (!frame) error_ = handle_->mapped->error();
    return frame;
  }
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
  if (handle_->mapped) return handle_->mapped->position();
  FILE* file = pcap_file(handle_->pcap);
  if (file == nullptr) return 0;
  const long pos = std::ftell(file);
  return pos < 0 ? 0 : static_cast<uint64_t>(pos);
}

}  // namespace fp::capture
