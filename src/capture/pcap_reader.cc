#include "capture/pcap_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "capture/libpcap_loader.h"
#include "capture/mapped_pcap.h"

namespace fp::capture {

struct PcapReader::Handle {
  std::unique_ptr<MappedPcap> mapped;  // a classic pcap file, read in place; or else:
  const Libpcap* lib = nullptr;        // libpcap, opened on first use (capture/libpcap_loader.h)
  pcap_t* pcap = nullptr;
  std::unique_ptr<char[]> buffer;  // the FILE's buffer (glibc ignores a size without one)
  ~Handle() {
    if (pcap != nullptr) lib->close(pcap);
  }
};

namespace {

constexpr size_t kReadBuffer = size_t{1} << 20;

// The stream libpcap reads `path` through, with a 1 MiB buffer: libpcap reads each record with
// two freads, and stdio's default buffer made that one read(2) per 4 KiB.
FILE* open_stream(const std::string& path, PcapReader::Handle& handle, std::string& error) {
  if (path == "-") return stdin;  // as pcap_open_offline reads "-"; pcap_close leaves stdin open
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  handle.buffer = std::make_unique_for_overwrite<char[]>(kReadBuffer);
  std::setvbuf(file, handle.buffer.get(), _IOFBF, kReadBuffer);
  return file;
}

// libpcap reads `file` (pcapng, pipes, other formats); it owns and closes the FILE from here.
bool open_with_libpcap(FILE* file, PcapReader::Handle& handle, std::string& error) {
  handle.lib = libpcap(error);
  if (handle.lib == nullptr) {
    if (file != stdin) std::fclose(file);
    return false;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Nanosecond precision when the file has it; otherwise libpcap scales microseconds up.
  handle.pcap =
      handle.lib->fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle.pcap == nullptr) {
    if (file != stdin) std::fclose(file);
    error = errbuf;
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<PcapReader> PcapReader::open(const std::string& path, std::string& error) {
  auto handle = std::make_unique<Handle>();
  if (path != "-") handle->mapped = MappedPcap::open(path);
  if (!handle->mapped) {
    FILE* file = open_stream(path, *handle, error);
    if (file == nullptr || !open_with_libpcap(file, *handle, error)) return nullptr;
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
  auto handle = std::make_unique<Handle>();
  if (!open_with_libpcap(file, *handle, error)) return nullptr;
  return std::unique_ptr<PcapReader>(new PcapReader(std::move(handle)));
}

PcapReader::PcapReader(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {
  link_type_ =
      handle_->mapped ? handle_->mapped->link_type() : handle_->lib->datalink(handle_->pcap);
}

PcapReader::~PcapReader() = default;

std::optional<Frame> PcapReader::next() {
  if (handle_->mapped) {
    auto frame = handle_->mapped->next();
    if (!frame) error_ = handle_->mapped->error();
    return frame;
  }
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int rc = handle_->lib->next_ex(handle_->pcap, &header, &data);
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
  if (rc == PCAP_ERROR) error_ = handle_->lib->geterr(handle_->pcap);
  return std::nullopt;  // PCAP_ERROR_BREAK: clean end of file
}

uint64_t PcapReader::position() const noexcept {
  if (handle_->mapped) return handle_->mapped->position();
  FILE* file = handle_->lib->file(handle_->pcap);
  if (file == nullptr) return 0;
  const long pos = std::ftell(file);
  return pos < 0 ? 0 : static_cast<uint64_t>(pos);
}

}  // namespace fp::capture
