#pragma once
// One direction of a QUIC connection's Initial packets, datagram by datagram, until the first
// handshake message (the ClientHello or ServerHello) of its CRYPTO stream is complete.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/byte_reader.h"
#include "quic/crypto_stream.h"
#include "quic/initial_keys.h"

namespace fp::quic {

class InitialReader {
 public:
  explicit InitialReader(Sender sender) noexcept : sender_(sender) {}

  // Opens the Initial packets of `datagram` and feeds their CRYPTO frames to the stream. A
  // client's packets are opened with keys from their own DCID; a server's need the client's
  // first DCID as `key_dcid`.
  CryptoStream::Status add_datagram(Bytes datagram,
                                    std::optional<Bytes> key_dcid = std::nullopt) noexcept;

  [[nodiscard]] CryptoStream::Status status() const noexcept { return stream_.status(); }
  // The complete first handshake message, header included (empty until kDone).
  [[nodiscard]] Bytes first_message() const noexcept { return stream_.first_message(); }
  // The Destination Connection ID of the first Initial this reader opened (empty before).
  [[nodiscard]] Bytes first_dcid() const noexcept { return first_dcid_; }
  // The version of the first Initial opened (0 before).
  [[nodiscard]] uint32_t version() const noexcept { return version_; }

  [[nodiscard]] uint64_t packets_opened() const noexcept { return opened_; }
  [[nodiscard]] uint64_t packets_failed() const noexcept { return failed_; }
  [[nodiscard]] uint64_t malformed_payloads() const noexcept { return malformed_; }

 private:
  Sender sender_;
  CryptoStream stream_;
  std::vector<uint8_t> first_dcid_;
  uint32_t version_ = 0;
  uint64_t opened_ = 0, failed_ = 0, malformed_ = 0;
};

}  // namespace fp::quic
