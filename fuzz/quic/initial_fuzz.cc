// Any bytes as a UDP datagram: open its Initial packets as a client's and as a server's, read
// their frames, reassemble the CRYPTO stream, and parse the hello it yields. Also fed twice to
// one reader, as a retransmission would be.
#include <cstddef>
#include <cstdint>

#include "quic/frames.h"
#include "quic/initial_reader.h"
#include "quic/packet.h"
#include "tls/client_hello.h"
#include "tls/server_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes datagram(data, size);
  for (auto& packet : fp::quic::open_initials(datagram, fp::quic::Sender::kClient)) {
    if (packet) (void)fp::quic::read_initial_frames(packet->payload);
  }
  // The frame reader on raw bytes too: decryption would keep the fuzzer from reaching it.
  (void)fp::quic::read_initial_frames(datagram);

  fp::quic::InitialReader client(fp::quic::Sender::kClient);
  (void)client.add_datagram(datagram);
  (void)client.add_datagram(datagram);
  const fp::Bytes message = client.first_message();
  if (message.size() >= 4) (void)fp::tls::parse_client_hello(message.subspan(4));

  fp::quic::InitialReader server(fp::quic::Sender::kServer);
  const uint8_t dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
  (void)server.add_datagram(datagram, fp::Bytes(dcid));
  const fp::Bytes reply = server.first_message();
  if (reply.size() >= 4) (void)fp::tls::parse_server_hello(reply.subspan(4));
  return 0;
}
