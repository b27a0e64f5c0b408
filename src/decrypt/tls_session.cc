#include "decrypt/tls_session.h"

#include "tls/client_hello.h"
#include "tls/server_hello.h"

namespace fp::decrypt {
namespace {

// RFC 8446 5.1 / RFC 5246 6.2.1 content types, and the handshake types that move the schedule.
constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;
constexpr uint8_t kClientHello = 1;
constexpr uint8_t kServerHello = 2;
constexpr uint8_t kFinished = 20;
constexpr uint8_t kKeyUpdate = 24;
constexpr uint16_t kTls13 = 0x0304;
constexpr uint16_t kTls12 = 0x0303;
constexpr size_t kRecordHeader = 5;
constexpr size_t kHandshakeHeader = 4;
constexpr size_t kMasterSecretLength = 48;  // RFC 5246 8.1

bool plausible_header(Bytes header) noexcept {
  return header[0] >= kChangeCipherSpec && header[0] <= kApplicationData + 1 && header[1] == 3;
}

}  // namespace

size_t TlsSession::on_bytes(int direction, Bytes bytes, SessionSink& sink) noexcept {
  Direction& d = directions_[direction];
  size_t used = 0;
  try {
    while (!d.done) {
      ByteReader r(bytes.subspan(used));
      const auto header = r.bytes(kRecordHeader);
      if (!header) break;
      if (!plausible_header(*header)) {
        fail(SessionStatus::kFailed);
        break;
      }
      const size_t length = size_t{(*header)[3]} << 8 | (*header)[4];
      if (length > kMaxCiphertext) {
        fail(SessionStatus::kFailed);
        break;
      }
      const auto fragment = r.bytes(length);
      if (!fragment) break;
      const Step step = on_record(direction, *header, *fragment, sink);
      if (step == Step::kWait) break;
      used += kRecordHeader + length;
      if (step == Step::kStop) d.done = true;
    }
  } catch (...) {
    fail(SessionStatus::kFailed);  // allocation failure
  }
  return d.done ? bytes.size() : used;
}

TlsSession::Step TlsSession::on_record(int direction, Bytes header, Bytes fragment,
                                       SessionSink& sink) {
  Direction& d = directions_[direction];
  const uint8_t type = header[0];
  // TLS 1.3 protects records as application_data; TLS 1.2 protects all after ChangeCipherSpec.
  const bool protected_record = tls13_ ? type == kApplicationData : d.change_cipher_spec;
  if (protected_record && d.decryptor) return on_protected(direction, header, fragment, sink);
  switch (type) {
    case kHandshake:
      on_handshake_bytes(direction, fragment, false, sink);
      return Step::kUsed;
    case kChangeCipherSpec:
      // Before the ServerHello, a client's CCS waits (TLS 1.2 keys need the hello). A server's
      // can only be TLS 1.3 middlebox compatibility after a HelloRetryRequest: the real
      // ServerHello follows it, so it must not wait.
      if (status_ == SessionStatus::kWaiting) return direction == 0 ? Step::kWait : Step::kUsed;
      if (!tls13_ && tls12_keys_) {
        d.change_cipher_spec = true;
        d.phase = Phase::kHandshakeKeys;
        const TrafficKeys& keys = direction == 0 ? tls12_keys_->client : tls12_keys_->server;
        d.decryptor.emplace(suite_->aead, keys, false);
      }
      return Step::kUsed;  // TLS 1.3: middlebox compatibility only (RFC 8446 D.4)
    case kAlert:
      return Step::kUsed;
    default:
      // Protected bytes before the ServerHello told us how to open them: wait for it.
      return status_ == SessionStatus::kWaiting ? Step::kWait : Step::kStop;
  }
}

TlsSession::Step TlsSession::on_protected(int direction, Bytes header, Bytes fragment,
                                          SessionSink& sink) {
  Direction& d = directions_[direction];
  auto opened = d.decryptor->open(header, fragment);
  if (!opened) {
    ++counters_.auth_failures;
    // Early data (0-RTT) records come before the handshake keys' first record and fail: a few
    // failures are skipped, a run of them means wrong keys or a lost segment.
    if (++d.failures_in_row >= kMaxAuthFailures) {
      status_ = SessionStatus::kFailed;
      return Step::kStop;
    }
    return Step::kUsed;
  }
  d.failures_in_row = 0;
  ++counters_.records_opened;
  if (opened->content_type == kHandshake) {
    on_handshake_bytes(direction, opened->plaintext, true, sink);
  } else if (opened->content_type == kApplicationData) {
    sink.on_application_data(direction, opened->plaintext);
  }
  return d.done ? Step::kStop : Step::kUsed;
}

void TlsSession::on_handshake_bytes(int direction, Bytes bytes, bool encrypted, SessionSink& sink) {
  Direction& d = directions_[direction];
  d.handshake.insert(d.handshake.end(), bytes.begin(), bytes.end());
  size_t offset = 0;
  while (!d.done) {
    ByteReader r(Bytes(d.handshake).subspan(offset));
    const auto type = r.u8();
    const auto length = r.u24();
    if (!type || !length) break;
    if (*length > kMaxDecryptedHandshake) {
      ++counters_.handshake_too_large;
      d.done = true;
      break;
    }
    const auto body = r.bytes(*length);
    if (!body) break;
    sink.on_handshake_message(direction, *type, *body, encrypted);
    on_message(direction, *type, *body, encrypted);
    offset += kHandshakeHeader + *length;
  }
  d.handshake.erase(d.handshake.begin(), d.handshake.begin() + static_cast<std::ptrdiff_t>(offset));
}

void TlsSession::on_message(int direction, uint8_t type, Bytes body, bool encrypted) {
  Direction& d = directions_[direction];
  if (!encrypted) {
    if (direction == 0 && type == kClientHello) on_client_hello(body);
    if (direction == 1 && type == kServerHello) on_server_hello(body);
    return;
  }
  if (type == kFinished && d.phase == Phase::kHandshakeKeys) {
    if (tls13_) {
      set_tls13_keys(direction,
                     direction == 0 ? secrets_->client_application : secrets_->server_application,
                     Phase::kApplicationKeys);
    } else {
      d.phase = Phase::kApplicationKeys;
    }
    if (direction == 1 && !server_application_data_) d.done = true;
  } else if (type == kKeyUpdate && tls13_ && d.phase == Phase::kApplicationKeys) {
    set_tls13_keys(direction, tls13_next_secret(suite_->hash, d.secret), Phase::kApplicationKeys);
  }
}

void TlsSession::on_client_hello(Bytes body) {
  if (client_random_) return;  // the second hello after a HelloRetryRequest keeps the random
  auto hello = tls::parse_client_hello(body);
  if (!hello) {
    fail(SessionStatus::kFailed);
    return;
  }
  client_random_.emplace(hello->random.begin(), hello->random.end());
}

void TlsSession::on_server_hello(Bytes body) {
  if (status_ != SessionStatus::kWaiting) return;
  auto hello = tls::parse_server_hello(body);
  if (!hello) {
    fail(SessionStatus::kFailed);
    return;
  }
  if (hello->hello_retry_request) return;  // the real ServerHello follows the second hello
  tls13_ = hello->selected_version == kTls13;
  if (!tls13_ && hello->legacy_version != kTls12) {
    fail(SessionStatus::kUnsupported);
    return;
  }
  secrets_ = client_random_ ? keys_->find(*client_random_) : nullptr;
  if (!secrets_) {
    fail(SessionStatus::kNoSecrets);
    return;
  }
  suite_ = suite_info(hello->cipher_suite, tls13_);
  if (!suite_) {
    fail(SessionStatus::kUnsupported);
    return;
  }
  if (tls13_) {
    start_tls13(*secrets_);
  } else {
    tls12_keys_ = tls12_keys(*suite_, secrets_->master_secret, *client_random_, hello->random);
    if (secrets_->master_secret.size() != kMasterSecretLength || !tls12_keys_) {
      fail(SessionStatus::kNoSecrets);
      return;
    }
    status_ = SessionStatus::kDecrypting;
  }
}

void TlsSession::start_tls13(const TlsSecrets& secrets) {
  if (secrets.client_handshake.empty() || secrets.server_handshake.empty()) {
    fail(SessionStatus::kNoSecrets);
    return;
  }
  status_ = SessionStatus::kDecrypting;
  set_tls13_keys(0, secrets.client_handshake, Phase::kHandshakeKeys);
  set_tls13_keys(1, secrets.server_handshake, Phase::kHandshakeKeys);
}

void TlsSession::set_tls13_keys(int direction, const std::vector<uint8_t>& secret, Phase phase) {
  Direction& d = directions_[direction];
  TrafficKeys keys = tls13_traffic_keys(*suite_, secret);
  if (secret.empty() || keys.key.empty() || keys.iv.empty()) {
    d.done = true;  // this direction's next secret was not logged
    d.decryptor.reset();
    return;
  }
  d.secret = secret;
  d.decryptor.emplace(suite_->aead, std::move(keys), true);
  d.phase = phase;
}

void TlsSession::fail(SessionStatus status) {
  status_ = status;
  directions_[0].done = directions_[1].done = true;
}

}  // namespace fp::decrypt
