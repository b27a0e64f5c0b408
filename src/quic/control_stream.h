#pragma once
// The client's HTTP/3 control stream read from its 1-RTT packets (RFC 9114 6.2.1), given the
// keys a key log's CLIENT_TRAFFIC_SECRET_0 yields (initial_keys.h one_rtt_keys()): each
// datagram is opened as one short-header packet, its STREAM frames for the client's first
// unidirectional stream (id 2, RFC 9000 2.1) are appended in offset order, and the SETTINGS
// frame is parsed once it is complete (http3_settings.h).
//
// Bounds: limits::kMaxHttp3ControlBytes of stream data. Frames that arrive ahead of a gap are
// dropped (the SETTINGS frame is the stream's first bytes, normally in its first packet);
// datagrams that are not a short-header packet (coalesced long-header packets first, the
// server's keys) simply do not open.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/byte_reader.h"
#include "quic/http3_settings.h"
#include "quic/initial_keys.h"

namespace fp::quic {

inline constexpr uint64_t kFirstClientUniStream = 2;  // RFC 9000 2.1: client-initiated, uni

class ControlStreamReader {
 public:
  enum class Status : uint8_t { kNeedMore, kDone, kError, kOverflow };

  ControlStreamReader(const InitialKeys& keys, size_t dcid_length) noexcept
      : keys_(keys), dcid_length_(dcid_length) {}

  // One client datagram. kDone: settings() holds the SETTINGS; kError: the stream is not a
  // control stream or its first frame is not a well-formed SETTINGS; kOverflow: the bound.
  Status add_datagram(Bytes datagram) noexcept;

  [[nodiscard]] const Http3Settings& settings() const noexcept { return settings_; }
  [[nodiscard]] uint64_t packets_opened() const noexcept { return opened_; }

 private:
  void append(uint64_t offset, Bytes data) noexcept;

  InitialKeys keys_;
  size_t dcid_length_;
  std::optional<uint64_t> largest_pn_;
  std::vector<uint8_t> stream_;  // stream 2 from offset 0
  bool overflow_ = false;
  Http3Settings settings_;
  uint64_t opened_ = 0;
};

}  // namespace fp::quic
