#pragma once
// What a client sent before any content, exactly as received, handed by the fingerprinting
// listener to its handler with each request. The listener only captures bytes; fingerprints are
// computed from them by the library (tls/, http/, tcp/).

#include <cstdint>
#include <string>

namespace fp::server {

struct CallerCapture {
  std::string client_hello;  // the TLS records as received, from the first byte up to and
                             // including the record that completes the ClientHello (may span
                             // records)
  std::string syn;           // IP + TCP header of the client's SYN (Linux TCP_SAVED_SYN); ""
                             // if unavailable
  std::string alpn;          // negotiated: "h2", "http/1.1" or ""
  std::string tls_version;   // negotiated, OpenSSL name ("TLSv1.3")
  std::string cipher;        // negotiated, OpenSSL name ("TLS_AES_128_GCM_SHA256")
  std::string http2_frames;  // h2: the client's decrypted bytes from the connection preface on,
                             // up to and including the first complete HEADERS block (HEADERS +
                             // CONTINUATION), at most 64 KiB; "" on http/1.1
  std::string http1_head;    // http/1.1: this request's head as received (request line ..
                             // CRLFCRLF); "" on h2
  std::string peer;          // client address "127.0.0.1" / "::1"
  uint16_t peer_port = 0;
  uint64_t connection_id = 0;  // increasing per accepted connection, from 1
  uint64_t request_index = 0;  // 0 for the connection's first request (HTTP/1) or stream (h2)
};

}  // namespace fp::server
