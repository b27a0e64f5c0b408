// HTTP/2 connection prefaces: frames, HPACK, then both fingerprints on what parsed. The first
// byte chooses between the magic-prefixed entry point and the frames-only one.
#include <cstddef>
#include <cstdint>

#include "http/akamai.h"
#include "http/http2.h"
#include "http/ja4h.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes in(data, size);
  const auto preface = (size > 0 && data[0] == 0x00) ? fp::http::parse_http2_frames(in.subspan(1))
                                                     : fp::http::parse_http2_preface(in);
  if (!preface.ok()) return 0;
  (void)fp::http::akamai_fingerprint(*preface);
  if (preface->request) {
    (void)fp::http::ja4h(*preface->request);
    (void)fp::http::ja4h(*preface->request, {.count_pseudo_headers = false});
  }
  return 0;
}
