#include "capture/live_capture.h"

#include <pcap/pcap.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

namespace fp::capture {

struct LiveCapture::Handle {
  pcap_t* pcap = nullptr;
  int fd = -1;  // to wait with our own timeout: libpcap's may never fire in immediate mode
  int timeout_ms = 100;
  ~Handle() {
    if (pcap != nullptr) pcap_close(pcap);
  }
};

namespace {

// libpcap's message for a failed pcap_activate: a warning code has none of its own.
std::string activate_error(pcap_t* pcap, int rc, const std::string& interface) {
  std::string text = pcap_geterr(pcap);
  if (text.empty()) text = pcap_statustostr(rc);
  if (rc == PCAP_ERROR_PERM_DENIED) text += " (needs root or CAP_NET_RAW,CAP_NET_ADMIN)";
  return interface + ": " + text;
}

// Each setting before activation; the first failure is reported.
bool configure(pcap_t* pcap, const LiveOptions& o, std::string& error) {
  if (pcap_set_snaplen(pcap, o.snaplen) != 0 || pcap_set_promisc(pcap, 0) != 0 ||
      pcap_set_immediate_mode(pcap, o.immediate ? 1 : 0) != 0 ||
      pcap_set_buffer_size(pcap, o.buffer_bytes) != 0 ||
      pcap_set_timeout(pcap, o.read_timeout_ms) != 0) {
    error = o.interface + ": cannot configure the capture: " + pcap_geterr(pcap);
    return false;
  }
  // Microsecond time stamps, as the frames of a pcap file are read (pcap_reader.cc).
  pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_MICRO);
  return true;
}

bool set_filter(pcap_t* pcap, const LiveOptions& o, std::string& error) {
  if (o.filter.empty()) return true;
  bpf_program program{};
  if (pcap_compile(pcap, &program, o.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    error = "bad filter \"" + o.filter + "\": " + pcap_geterr(pcap);
    return false;
  }
  const int rc = pcap_setfilter(pcap, &program);
  pcap_freecode(&program);
  if (rc != 0) {
    error = "cannot set the filter: " + std::string(pcap_geterr(pcap));
    return false;
  }
  return true;
}

struct Callback {
  const std::function<void(const Frame&)>* on_frame;
  int link_type;
};

void deliver(u_char* user, const pcap_pkthdr* header, const u_char* data) {
  const auto* cb = reinterpret_cast<const Callback*>(user);
  Frame frame;
  frame.timestamp_us = static_cast<int64_t>(header->ts.tv_sec) * 1'000'000 +
                       static_cast<int64_t>(header->ts.tv_usec);
  frame.original_length = header->len;
  frame.data = Bytes(data, header->caplen);
  frame.link_type = cb->link_type;
  (*cb->on_frame)(frame);
}

}  // namespace

std::unique_ptr<LiveCapture> LiveCapture::open(const LiveOptions& options, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto handle = std::make_unique<Handle>();
  handle->pcap = pcap_create(options.interface.c_str(), errbuf);
  if (handle->pcap == nullptr) {
    error = options.interface + ": " + errbuf;
    return nullptr;
  }
  if (!configure(handle->pcap, options, error)) return nullptr;
  const int rc = pcap_activate(handle->pcap);
  if (rc < 0) {  // errors are negative; positive values are warnings and the capture runs
    error = activate_error(handle->pcap, rc, options.interface);
    return nullptr;
  }
  if (!set_filter(handle->pcap, options, error)) return nullptr;
  // With TPACKET_V3 the kernel's block timeout, not pcap_set_timeout, decides when a quiet
  // link returns; waiting in poll() on a non-blocking handle gives the tick we need either way.
  handle->timeout_ms = options.read_timeout_ms;
  handle->fd = pcap_get_selectable_fd(handle->pcap);
  if (handle->fd >= 0 && pcap_setnonblock(handle->pcap, 1, errbuf) != 0) handle->fd = -1;
  return std::unique_ptr<LiveCapture>(new LiveCapture(std::move(handle)));
}

LiveCapture::LiveCapture(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {
  link_type_ = pcap_datalink(handle_->pcap);
}

LiveCapture::~LiveCapture() = default;

LiveCapture::Read LiveCapture::read(const std::function<void(const Frame&)>& on_frame) {
  Callback cb{&on_frame, link_type_};
  if (handle_->fd >= 0) {
    pollfd p{handle_->fd, POLLIN, 0};
    const int ready = poll(&p, 1, handle_->timeout_ms);
    if (ready < 0 && errno != EINTR) {
      error_ = std::string("poll: ") + std::strerror(errno);
      return Read::kError;
    }
    // A signal (EINTR) falls through: pcap_dispatch then sees pcap_breakloop's flag.
    if (ready == 0) return Read::kOk;
  }
  const int rc = pcap_dispatch(handle_->pcap, -1, deliver, reinterpret_cast<u_char*>(&cb));
  if (rc == PCAP_ERROR_BREAK) return Read::kStopped;
  if (rc < 0) {
    error_ = pcap_geterr(handle_->pcap);
    return Read::kError;
  }
  return Read::kOk;
}

void LiveCapture::stop() noexcept { pcap_breakloop(handle_->pcap); }

LiveStats LiveCapture::stats() const {
  pcap_stat s{};
  if (pcap_stats(handle_->pcap, &s) != 0) return last_;
  // Unsigned differences survive one wrap of the kernel's 32-bit counters between calls.
  const uint32_t now[3] = {s.ps_recv, s.ps_drop, s.ps_ifdrop};
  uint64_t* wide[3] = {&last_.received, &last_.dropped, &last_.interface_dropped};
  for (int i = 0; i < 3; ++i) {
    *wide[i] += static_cast<uint32_t>(now[i] - raw_[i]);
    raw_[i] = now[i];
  }
  return last_;
}

}  // namespace fp::capture
