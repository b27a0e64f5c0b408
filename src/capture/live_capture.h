#pragma once
// Frames from a network interface through libpcap (pcap_create / pcap_activate): immediate
// mode, so each packet is handed over as it arrives, a kernel buffer of `buffer_bytes`, and a
// BPF filter compiled by pcap_compile. libpcap types stay in the .cc (STYLE.md 16).
//
// Needs capture rights (root, or CAP_NET_RAW + CAP_NET_ADMIN on the binary); without them
// open() fails with libpcap's message (e.g. "...: You don't have permission to capture on that
// device (socket: Operation not permitted)").

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "capture/pcap_reader.h"

namespace fp::capture {

struct LiveOptions {
  std::string interface;
  std::string filter;                   // BPF; "" captures everything
  int snaplen = 262144;                 // bytes kept per packet
  int buffer_bytes = 32 * 1024 * 1024;  // the kernel's ring for this capture
  int read_timeout_ms = 100;            // a quiet link still returns this often
  // Immediate mode hands each packet over at once, but libpcap then uses fixed-size ring slots
  // (TPACKET_V2, one per snaplen): the same buffer holds far fewer packets than the packed
  // blocks of buffered mode (TPACKET_V3), which deliver up to read_timeout_ms late.
  bool immediate = true;
};

// What the kernel reports (pcap_stats): received by the filter, dropped for lack of buffer
// space, dropped by the interface or its driver.
struct LiveStats {
  uint64_t received = 0, dropped = 0, interface_dropped = 0;
};

class LiveCapture {
 public:
  // nullptr and `error` when the interface cannot be opened or the filter does not compile.
  static std::unique_ptr<LiveCapture> open(const LiveOptions& options, std::string& error);
  ~LiveCapture();
  LiveCapture(const LiveCapture&) = delete;
  LiveCapture& operator=(const LiveCapture&) = delete;

  enum class Read : uint8_t { kOk, kStopped, kError };
  // Hands every frame ready now (waiting at most the read timeout) to `on_frame`; frames are
  // views valid during the call. kStopped after stop(); kError with error() set.
  [[nodiscard]] Read read(const std::function<void(const Frame&)>& on_frame);
  // Makes read() return kStopped. Async-signal-safe (pcap_breakloop): a signal handler may call.
  void stop() noexcept;

  [[nodiscard]] LiveStats stats() const;
  [[nodiscard]] int link_type() const noexcept { return link_type_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  struct Handle;
  explicit LiveCapture(std::unique_ptr<Handle> handle);

  std::unique_ptr<Handle> handle_;
  std::string error_;
  int link_type_ = 0;
  // pcap_stats' counters are 32 bits and wrap: widened here across calls.
  mutable LiveStats last_{};
  mutable uint32_t raw_[3] = {0, 0, 0};
};

}  // namespace fp::capture
