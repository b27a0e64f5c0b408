#include "tls/handshake.h"

#include <optional>

#include "core/limits.h"

namespace fp::tls {
namespace {

constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;
constexpr uint8_t kHeartbeat = 24;
constexpr size_t kRecordHeader = 5;
constexpr size_t kMessageHeader = 4;
// RFC 8446 5.2: a record never exceeds 2^14 + 256 bytes (TLS 1.2 allowed 2^14 + 2048). A larger
// length means we are not looking at TLS.
constexpr size_t kMaxRecord = (1 << 14) + 2048;
// The smallest SSLv2 CLIENT-HELLO body: type, version and three lengths (RFC 6101 E.2).
constexpr size_t kMinSslv2Hello = 9;

// Reassembles handshake messages from record payloads. Bytes are appended per record; complete
// messages are cut from the front.
class Scanner {
 public:
  Scanner(Bytes stream, size_t max_messages) : in_(stream), max_messages_(max_messages) {}

  HandshakeScan run() noexcept;

 private:
  bool read_sslv2_hello() noexcept;
  bool header_plausible() noexcept;
  bool read_record() noexcept;  // false once the scan has its final status
  bool plausible_after_ccs(Bytes payload) const noexcept;
  bool take_messages(uint16_t record_version) noexcept;
  // Cuts the complete messages at the front of `bytes`; how many bytes they took, or nullopt once
  // the scan has its final status. Bodies are views of `bytes`, or copies when `copy`.
  std::optional<size_t> take_from(Bytes bytes, uint16_t record_version, bool copy) noexcept;
  void finish(ScanStatus status, TlsError error = TlsError::kTruncated) noexcept {
    out_.status = status;
    out_.error = error;
  }

  ByteReader in_;
  size_t max_messages_;
  HandshakeScan out_;
  std::vector<uint8_t> pending_;  // handshake bytes not yet cut into a message
  uint16_t pending_version_ = 0;  // record version of the record that carried pending_[0]
  bool after_ccs_ = false;
};

HandshakeScan Scanner::run() noexcept {
  out_.status = ScanStatus::kNeedMore;
  if (in_.empty()) return std::move(out_);
  if ((in_.rest()[0] & 0x80) != 0 && !read_sslv2_hello()) return std::move(out_);
  while (read_record()) {
  }
  return std::move(out_);
}

// An SSLv2-compatible hello (RFC 5246 E.2): 2-byte length with the high bit set, then the
// CLIENT-HELLO body starting with message type 1. TLS records may follow it.
bool Scanner::read_sslv2_hello() noexcept {
  const Bytes head = in_.rest();
  if (head.size() < 3) return false;  // kNeedMore
  const size_t length = static_cast<size_t>(head[0] & 0x7f) << 8 | head[1];
  if (head[2] != static_cast<uint8_t>(HandshakeType::kClientHello)) {
    finish(ScanStatus::kError, TlsError::kNotTls);
    return false;
  }
  if (length < kMinSslv2Hello) {
    finish(ScanStatus::kError, TlsError::kBadLength);
    return false;
  }
  if (head.size() < 2 + length) return false;
  (void)in_.skip(2);
  const Bytes body = *in_.bytes(length);
  out_.sslv2_client_hello = true;
  out_.messages.push_back({1, 0x0002, body});
  if (out_.messages.size() >= max_messages_) {
    finish(ScanStatus::kDone);
    return false;
  }
  return true;
}

// The record header is judged byte by byte, so that "GET" is kNotTls at once, not kNeedMore.
bool Scanner::header_plausible() noexcept {
  const Bytes head = in_.rest().first(std::min<size_t>(in_.remaining(), 2));
  const bool known_type = head[0] >= kChangeCipherSpec && head[0] <= kHeartbeat;
  if (known_type && (head.size() < 2 || head[1] == 3)) return true;
  finish(ScanStatus::kError, TlsError::kNotTls);
  return false;
}

bool Scanner::read_record() noexcept {
  if (in_.empty() || !header_plausible()) return false;
  if (in_.remaining() < kRecordHeader) return false;  // kNeedMore
  ByteReader header(in_.rest());
  const uint8_t type = *header.u8();
  const uint16_t version = *header.u16();
  const size_t length = *header.u16();
  if (length > kMaxRecord) {
    finish(ScanStatus::kError, TlsError::kBadLength);
    return false;
  }
  if (type == kAlert || type == kApplicationData) {
    finish(ScanStatus::kDone);
    return false;
  }
  if (in_.remaining() < kRecordHeader + length) return false;  // kNeedMore
  (void)in_.skip(kRecordHeader);
  const Bytes payload = *in_.bytes(length);
  if (type == kChangeCipherSpec) {
    after_ccs_ = true;
    return true;
  }
  if (type != kHandshake) return true;  // heartbeat
  if (after_ccs_ && pending_.empty() && !plausible_after_ccs(payload)) {
    finish(ScanStatus::kDone);  // the encrypted Finished of TLS 1.2
    return false;
  }
  if (!pending_.empty()) {
    pending_.insert(pending_.end(), payload.begin(), payload.end());
    return take_messages(version);
  }
  // Nothing held from earlier records: the messages inside this one are read in place, and only
  // a message that continues in the next record is held.
  pending_version_ = version;
  const auto taken = take_from(payload, version, /*copy=*/false);
  if (!taken) return false;
  pending_.assign(payload.begin() + static_cast<std::ptrdiff_t>(*taken), payload.end());
  return true;
}

// After ChangeCipherSpec, TLS 1.2 encrypts the handshake (Finished) but TLS 1.3 middlebox
// compatibility mode (RFC 8446 D.4) sends a plaintext second ClientHello, or the ServerHello after
// a HelloRetryRequest. Our rule: after a CCS, a handshake record is plaintext only when it starts
// like a hello: type ClientHello or ServerHello, a length from the smallest hello body (38
// bytes) to kMaxHandshakeMessage, and a legacy_version of 3.0 to 3.4. The hello may continue in
// later records. Random ciphertext passes with probability about 2^-23; an AES-GCM Finished,
// whose first bytes are the explicit nonce (usually 0), does not pass at all.
bool Scanner::plausible_after_ccs(Bytes payload) const noexcept {
  constexpr size_t kMinHelloBody = 38;
  ByteReader r(payload);
  const auto type = r.u8();
  const auto length = r.u24();
  const auto version = r.u16();
  if (!type || !length || !version) return false;
  const bool hello = *type == static_cast<uint8_t>(HandshakeType::kClientHello) ||
                     *type == static_cast<uint8_t>(HandshakeType::kServerHello);
  return hello && *length >= kMinHelloBody && *length <= limits::kMaxHandshakeMessage &&
         (*version >> 8) == 3 && (*version & 0xff) <= 4;
}

bool Scanner::take_messages(uint16_t record_version) noexcept {
  const auto taken = take_from(pending_, record_version, /*copy=*/true);
  if (!taken) return false;
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(*taken));
  return true;
}

std::optional<size_t> Scanner::take_from(Bytes bytes, uint16_t record_version, bool copy) noexcept {
  size_t pos = 0;
  while (bytes.size() - pos >= kMessageHeader) {
    ByteReader r(bytes.subspan(pos));
    const uint8_t type = *r.u8();
    const size_t length = *r.u24();
    if (length > limits::kMaxHandshakeMessage) {
      finish(ScanStatus::kError, TlsError::kTooLarge);
      return std::nullopt;
    }
    if (r.remaining() < length) break;
    Bytes body = *r.bytes(length);
    if (copy) body = out_.reassembled.emplace_back(body.begin(), body.end());
    out_.messages.push_back({type, pending_version_, body});
    pos += kMessageHeader + length;
    // The next message starts in the record just read: every earlier byte belonged to this one.
    pending_version_ = record_version;
    if (out_.messages.size() >= max_messages_) {
      finish(ScanStatus::kDone);
      return std::nullopt;
    }
  }
  return pos;
}

}  // namespace

HandshakeScan scan_handshake(Bytes stream, size_t max_messages) noexcept {
  if (max_messages == 0) {
    HandshakeScan done;
    done.status = ScanStatus::kDone;
    return done;
  }
  return Scanner(stream, max_messages).run();
}

}  // namespace fp::tls
