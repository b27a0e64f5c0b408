// Any bytes as the two directions of a TLS connection whose secrets are those of RFC 8448
// section 3: chunks of [direction byte][u16 length][bytes] are fed in order, as segments would
// be; the session never reads past what it was given and never crashes. Each chunk is also
// opened directly as one protected record with the RFC's client handshake keys.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "decrypt/key_log.h"
#include "decrypt/record_decryptor.h"
#include "decrypt/tls_session.h"

namespace {

constexpr const char* kKeyLog =
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21\n"
    "SERVER_HANDSHAKE_TRAFFIC_SECRET "
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38\n"
    "CLIENT_TRAFFIC_SECRET_0 cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5\n"
    "SERVER_TRAFFIC_SECRET_0 cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643\n"
    "CLIENT_RANDOM cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f\n";

class Discard : public fp::decrypt::SessionSink {
 public:
  void on_handshake_message(int, uint8_t, fp::Bytes, bool) override {}
  void on_application_data(int, fp::Bytes) override {}
};

const fp::decrypt::KeyLog& keys() {
  static const fp::decrypt::KeyLog log = [] {
    fp::decrypt::KeyLog k;
    (void)k.add_text(kKeyLog);
    return k;
  }();
  return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fp::decrypt::TlsSession session(keys());
  Discard sink;
  std::vector<uint8_t> pending[2];
  fp::ByteReader r(fp::Bytes(data, size));
  while (!r.empty()) {
    const auto direction = r.u8();
    const auto length = r.u16();
    if (!direction || !length) break;
    const auto chunk = r.bytes(std::min<size_t>(*length, r.remaining()));
    const int d = *direction & 1;
    pending[d].insert(pending[d].end(), chunk->begin(), chunk->end());
    const size_t used = session.on_bytes(d, pending[d], sink);
    if (used > pending[d].size()) __builtin_trap();
    pending[d].erase(pending[d].begin(), pending[d].begin() + static_cast<std::ptrdiff_t>(used));
    if (chunk->size() >= 5) {
      fp::decrypt::RecordDecryptor decryptor(
          fp::decrypt::Aead::kAes128Gcm,
          {std::vector<uint8_t>(16, 0x11), std::vector<uint8_t>(*direction & 2 ? 4 : 12, 0x22)},
          (*direction & 2) == 0);
      (void)decryptor.open(chunk->first(5), chunk->subspan(5));
    }
  }
  return 0;
}
