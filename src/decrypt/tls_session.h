#pragma once
// Follows both directions of one TLS connection whose secrets are in a key log, and hands out
// what the encryption hid: the handshake messages sent after ServerHello (TLS 1.3's
// EncryptedExtensions, Certificate ...) and the application data.
//
// Input: each direction's in-order stream bytes (the caller reassembles TCP). `on_bytes` reads
// whole records and says how many bytes it used; bytes it cannot use yet (the client's
// encrypted records before the ServerHello named the suite) are left for a later call, so the
// caller feeds the other direction and retries.
//
// Key schedule followed (RFC 8446 7, RFC 5246 6.3, 7.1):
//   ClientHello -> client random (the key log's index); ServerHello -> suite, version, server
//   random. TLS 1.3: handshake traffic keys at once, application keys after each side's
//   Finished, KeyUpdate steps. TLS 1.2: key block from the master secret, used from each
//   side's ChangeCipherSpec on. A HelloRetryRequest is skipped (its ServerHello follows).
// Anything else (no secrets logged, a suite we cannot open, a record failing authentication
// kMaxAuthFailures times in a row) stops that direction: reported in `status`, never fatal.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/byte_reader.h"
#include "decrypt/key_log.h"
#include "decrypt/record_decryptor.h"
#include "decrypt/tls_keys.h"

namespace fp::decrypt {

// Where what the session decrypts goes. `direction` 0 is the client, 1 the server.
class SessionSink {
 public:
  virtual ~SessionSink() = default;
  // A complete handshake message; `encrypted` when it came out of a protected record.
  virtual void on_handshake_message(int direction, uint8_t type, Bytes body, bool encrypted) = 0;
  virtual void on_application_data(int direction, Bytes data) = 0;
};

enum class SessionStatus : uint8_t {
  kWaiting,      // no ServerHello yet
  kDecrypting,   // keys found, records being opened
  kNoSecrets,    // the key log has nothing (or not enough) for this client random
  kUnsupported,  // a suite or version we do not decrypt (CBC, CCM, SSL 3.0 ...)
  kFailed,       // records did not authenticate, or the record layer did not parse
};

struct SessionCounters {
  uint64_t records_opened = 0;
  uint64_t auth_failures = 0;  // records whose tag did not verify (0-RTT data, lost segments)
  uint64_t handshake_too_large = 0;
};

// A handshake message longer than this stops its direction (certificate chains are < 64 KiB).
inline constexpr size_t kMaxDecryptedHandshake = 256 * 1024;
// Records failing authentication in a row before a direction gives up.
inline constexpr int kMaxAuthFailures = 8;

class TlsSession {
 public:
  // `keys` outlives the session. The server's application data is opened only when asked.
  explicit TlsSession(const KeyLog& keys, bool server_application_data = false) noexcept
      : keys_(&keys), server_application_data_(server_application_data) {}

  // Reads whole records from the start of `bytes`, this direction's unread stream. Returns the
  // bytes used. Once the direction is finished (or stopped), every byte is used unread.
  size_t on_bytes(int direction, Bytes bytes, SessionSink& sink) noexcept;

  // The caller wants nothing more from this direction.
  void stop(int direction) noexcept { directions_[direction].done = true; }

  // Nothing more will be read from this direction.
  [[nodiscard]] bool finished(int direction) const noexcept { return directions_[direction].done; }
  [[nodiscard]] SessionStatus status() const noexcept { return status_; }
  [[nodiscard]] bool tls13() const noexcept { return tls13_; }
  [[nodiscard]] const SessionCounters& counters() const noexcept { return counters_; }

 private:
  enum class Phase : uint8_t { kPlain, kHandshakeKeys, kApplicationKeys };
  struct Direction {
    Phase phase = Phase::kPlain;
    std::optional<RecordDecryptor> decryptor;
    std::vector<uint8_t> secret;      // TLS 1.3: the current traffic secret
    std::vector<uint8_t> handshake;   // handshake bytes not yet a whole message
    bool change_cipher_spec = false;  // TLS 1.2: protected records follow
    int failures_in_row = 0;
    bool done = false;
  };
  enum class Step : uint8_t { kUsed, kWait, kStop };

  Step on_record(int direction, Bytes header, Bytes fragment, SessionSink& sink);
  Step on_protected(int direction, Bytes header, Bytes fragment, SessionSink& sink);
  void on_handshake_bytes(int direction, Bytes bytes, bool encrypted, SessionSink& sink);
  void on_message(int direction, uint8_t type, Bytes body, bool encrypted);
  void on_client_hello(Bytes body);
  void on_server_hello(Bytes body);
  void start_tls13(const TlsSecrets& secrets);
  void start_tls12(const TlsSecrets& secrets);
  void set_tls13_keys(int direction, const std::vector<uint8_t>& secret, Phase phase);
  void fail(SessionStatus status);

  const KeyLog* keys_;
  bool server_application_data_;
  SessionStatus status_ = SessionStatus::kWaiting;
  std::optional<std::vector<uint8_t>> client_random_;
  std::optional<SuiteInfo> suite_;
  bool tls13_ = false;
  const TlsSecrets* secrets_ = nullptr;
  std::optional<Tls12Keys> tls12_keys_;
  Direction directions_[2];
  SessionCounters counters_;
};

}  // namespace fp::decrypt
