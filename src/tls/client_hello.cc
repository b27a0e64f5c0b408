#include "tls/client_hello.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <memory>

#include "tls/extension_decode.h"
#include "tls/handshake.h"

namespace fp::tls {
namespace {

constexpr size_t kRandomSize = 32;

// Decoders of the extensions the fingerprints read, one line each (STYLE.md 5). Each returns
// false when the body does not parse; what it read before the fault stays decoded.
using Decoder = bool (*)(Bytes, ClientHello&);
struct DecoderEntry {
  uint16_t type;
  Decoder decode;
};

constexpr std::array<DecoderEntry, 9> kDecoders{{
    {ext::kServerName,
     [](Bytes d, ClientHello& h) { return decode_server_name(d, h.server_name); }},
    {ext::kAlpn, [](Bytes d, ClientHello& h) { return decode_alpn(d, h.alpn); }},
    {ext::kSupportedVersions,
     [](Bytes d, ClientHello& h) { return decode_u16_list<1>(d, h.supported_versions); }},
    {ext::kSupportedGroups,
     [](Bytes d, ClientHello& h) { return decode_u16_list<2>(d, h.supported_groups); }},
    {ext::kEcPointFormats,
     [](Bytes d, ClientHello& h) { return decode_u8_list(d, h.ec_point_formats); }},
    {ext::kSignatureAlgorithms,
     [](Bytes d, ClientHello& h) { return decode_u16_list<2>(d, h.signature_algorithms); }},
    {ext::kKeyShare,
     [](Bytes d, ClientHello& h) { return decode_key_share(d, h.key_share_groups); }},
    {ext::kPskKeyExchangeModes,
     [](Bytes d, ClientHello& h) { return decode_u8_list(d, h.psk_key_exchange_modes); }},
    {ext::kCompressCertificate,
     [](Bytes d, ClientHello& h) {
       return decode_u16_list<1>(d, h.compress_certificate_algorithms);
     }},
}};

void decode_extension(uint16_t type, Bytes data, ClientHello& hello) noexcept {
  for (const DecoderEntry& entry : kDecoders) {
    if (entry.type != type) continue;
    if (!entry.decode(data, hello)) hello.quirks |= quirk::kBadExtensionBody;
    return;
  }
}

// How many whole extensions `block` holds, to size the list once.
size_t count_extensions(Bytes block) noexcept {
  size_t n = 0;
  for (ByteReader r(block); r.u16() && r.length_prefixed<2>();) ++n;
  return n;
}

// The extension types met so far in one hello, to flag repeats (RFC 8446 4.2). A real hello has
// a few dozen extensions, found fastest by scanning a small array; a crafted one can carry 16,000
// (64 KiB of empty extensions), where rescanning per extension took 50 ms a hello, so past
// kScanned types the set moves to a 65,536-bit map.
class SeenTypes {
 public:
  // Adds `type`; true when it was there already.
  bool insert(uint16_t type) {
    if (!bits_) {
      const auto end = scanned_.begin() + count_;
      if (std::find(scanned_.begin(), end, type) != end) return true;
      if (count_ < scanned_.size()) {
        scanned_[count_++] = type;
        return false;
      }
      bits_ = std::make_unique<std::bitset<65536>>();
      for (uint16_t t : scanned_) bits_->set(t);
    }
    if (bits_->test(type)) return true;
    bits_->set(type);
    return false;
  }

 private:
  static constexpr size_t kScanned = 32;
  std::array<uint16_t, kScanned> scanned_{};
  size_t count_ = 0;
  std::unique_ptr<std::bitset<65536>> bits_;
};

// The extension block (RFC 8446 4.1.2). A block that ends early keeps the extensions read so
// far: the fingerprints still have their types.
void read_extensions(ByteReader& r, ClientHello& hello) {
  auto block_len = r.u16();
  if (!block_len) {
    if (!r.empty()) hello.quirks |= quirk::kTruncatedExtensions;
    return;
  }
  Bytes block = r.rest().first(std::min<size_t>(*block_len, r.remaining()));
  if (block.size() < *block_len) hello.quirks |= quirk::kTruncatedExtensions;
  (void)r.skip(block.size());
  if (!r.empty()) hello.quirks |= quirk::kTrailingBytes;
  // One copy of the whole block; each extension records where its body lies in it.
  hello.extension_data.assign(block.begin(), block.end());
  const Bytes owned(hello.extension_data);
  hello.extensions.reserve(count_extensions(owned));
  ByteReader er(owned);
  SeenTypes seen;
  while (!er.empty()) {
    auto type = er.u16();
    auto data = er.length_prefixed<2>();
    if (!type || !data) {
      hello.quirks |= quirk::kTruncatedExtensions;
      return;
    }
    hello.extensions.push_back({*type, static_cast<uint32_t>(data->data() - owned.data()),
                                static_cast<uint32_t>(data->size())});
    if (seen.insert(*type)) {
      hello.quirks |= quirk::kDuplicateExtension;  // decode the first one only
      continue;
    }
    decode_extension(*type, *data, hello);
  }
}

Result<ClientHello, TlsError> from_record_stream(Bytes input) noexcept {
  HandshakeScan scan = scan_handshake(input, 1);
  if (scan.messages.empty()) {
    if (scan.status == ScanStatus::kError) return Unexpected{scan.error};
    return Unexpected{scan.status == ScanStatus::kNeedMore ? TlsError::kTruncated
                                                           : TlsError::kNotHandshake};
  }
  const HandshakeMessage& msg = scan.messages.front();
  if (msg.type != static_cast<uint8_t>(HandshakeType::kClientHello)) {
    return Unexpected{TlsError::kWrongMessageType};
  }
  auto hello = scan.sslv2_client_hello ? parse_sslv2_client_hello(Bytes(msg.body))
                                       : parse_client_hello(Bytes(msg.body));
  if (hello && !scan.sslv2_client_hello) hello->record_version = msg.record_version;
  return hello;
}

Result<ClientHello, TlsError> from_handshake_message(Bytes input) noexcept {
  ByteReader r(input);
  (void)r.u8();
  auto length = r.u24();
  if (!length) return Unexpected{TlsError::kTruncated};
  auto body = r.bytes(*length);
  if (!body) return Unexpected{TlsError::kTruncated};
  return parse_client_hello(*body);
}

}  // namespace

bool ClientHello::has_extension(uint16_t type) const noexcept {
  return std::any_of(extensions.begin(), extensions.end(),
                     [type](const Extension& e) { return e.type == type; });
}

Bytes ClientHello::data_of(const Extension& e) const noexcept {
  return extension_body(extension_data, e);
}

Bytes extension_body(Bytes data, const Extension& e) noexcept {
  if (e.offset > data.size() || e.length > data.size() - e.offset) return {};
  return data.subspan(e.offset, e.length);
}

Result<ClientHello, TlsError> parse_client_hello(Bytes body) noexcept {
  ByteReader r(body);
  ClientHello hello;
  auto version = r.u16();
  auto random = r.bytes(kRandomSize);
  auto session_id = r.length_prefixed<1>();
  auto ciphers = r.length_prefixed<2>();
  auto compression = r.length_prefixed<1>();
  if (!version || !random || !session_id || !ciphers || !compression) {
    return Unexpected{TlsError::kTruncated};
  }
  if (ciphers->size() % 2 != 0) return Unexpected{TlsError::kBadLength};
  hello.legacy_version = *version;
  std::copy(random->begin(), random->end(), hello.random.begin());
  hello.session_id.assign(session_id->begin(), session_id->end());
  hello.cipher_suites.reserve(ciphers->size() / 2);
  for (ByteReader cr(*ciphers); !cr.empty();) hello.cipher_suites.push_back(*cr.u16());
  hello.compression_methods.assign(compression->begin(), compression->end());
  if (!r.empty()) read_extensions(r, hello);  // RFC 5246 7.4.1.2: extensions are optional
  return hello;
}

// RFC 5246 E.2: msg_type(1) version(2) cipher_spec_length(2) session_id_length(2)
// challenge_length(2), then the three vectors. Cipher specs are 3 bytes; those whose first byte
// is 0 are TLS cipher suites.
Result<ClientHello, TlsError> parse_sslv2_client_hello(Bytes body) noexcept {
  ByteReader r(body);
  auto type = r.u8();
  auto version = r.u16();
  auto spec_len = r.u16();
  auto sid_len = r.u16();
  auto challenge_len = r.u16();
  if (!challenge_len) return Unexpected{TlsError::kTruncated};
  if (*type != static_cast<uint8_t>(HandshakeType::kClientHello)) {
    return Unexpected{TlsError::kWrongMessageType};
  }
  if (*spec_len % 3 != 0) return Unexpected{TlsError::kBadLength};
  auto specs = r.bytes(*spec_len);
  auto session_id = r.bytes(*sid_len);
  auto challenge = r.bytes(*challenge_len);
  if (!specs || !session_id || !challenge) return Unexpected{TlsError::kTruncated};
  ClientHello hello;
  hello.legacy_version = *version;
  hello.sslv2_compatible = true;
  hello.record_version = 0x0002;
  for (ByteReader sr(*specs); !sr.empty();) {
    const uint8_t kind = *sr.u8();
    const uint16_t suite = *sr.u16();
    if (kind == 0) hello.cipher_suites.push_back(suite);
  }
  hello.session_id.assign(session_id->begin(), session_id->end());
  // RFC 5246 E.2: the challenge, right-justified in the 32-byte random with leading zeros.
  const Bytes tail = challenge->last(std::min(challenge->size(), hello.random.size()));
  std::copy(tail.begin(), tail.end(), hello.random.end() - static_cast<ptrdiff_t>(tail.size()));
  hello.compression_methods.push_back(0);
  return hello;
}

Result<ClientHello, TlsError> parse_client_hello_any(Bytes input) noexcept {
  if (input.empty()) return Unexpected{TlsError::kTruncated};
  if (input[0] == static_cast<uint8_t>(HandshakeType::kClientHello)) {
    return from_handshake_message(input);
  }
  return from_record_stream(input);  // TLS records, or an SSLv2-compatible hello
}

}  // namespace fp::tls
