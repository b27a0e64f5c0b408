// The fingerprinting listener's framing on what a client sends: where the ClientHello ends,
// where the first HTTP/2 header block ends, how an HTTP/1 head frames its body and which path it
// names. Nothing may crash, and every offset returned lies inside the bytes given.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/http1.h"
#include "server/listener_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes bytes(data, size);
  const auto hello = fp::server::detail::client_hello_progress(bytes);
  if (hello.state == fp::server::detail::HelloState::kComplete && hello.end > size) std::abort();
  if (auto end = fp::server::detail::http2_first_header_block_end(bytes); end && *end > size) {
    std::abort();
  }
  const fp::http::Http1Parse head = fp::http::parse_http1_request(bytes);
  if (head.status == fp::http::ParseStatus::kDone) {
    (void)fp::server::detail::request_body_length(head.request.headers);
    (void)fp::server::detail::wants_keep_alive(head.request);
    (void)fp::server::detail::expects_continue(head.request);
    (void)fp::server::detail::make_request(head.request, "127.0.0.1");
  }
  (void)fp::server::detail::decoded_path(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
