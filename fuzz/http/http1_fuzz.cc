// HTTP/1 request heads: parse, then fingerprint what parsed, then walk on through pipelined
// requests as the capture layer does.
#include <cstddef>
#include <cstdint>

#include "core/limits.h"
#include "http/http1.h"
#include "http/ja4h.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fp::Bytes rest(data, size);
  (void)fp::http::looks_like_http1_request(rest);
  for (size_t n = 0; n < 8 && !rest.empty(); ++n) {
    const fp::http::Http1Parse p = fp::http::parse_http1_request(rest);
    if (p.status != fp::http::ParseStatus::kDone) break;
    if (p.consumed == 0 || p.consumed > rest.size()) __builtin_trap();  // invariant
    (void)fp::http::ja4h(p.request, {.count_pseudo_headers = (n % 2) == 0});
    (void)fp::http::header_order(p.request);
    const size_t skip = p.consumed + fp::http::declared_body_length(p.request);
    rest = rest.subspan(skip < rest.size() ? skip : rest.size());
  }
  return 0;
}
