#include "http/hpack.h"

#include <nghttp2/nghttp2.h>

#include <memory>
#include <string>

namespace fp::http {
namespace {

struct InflaterDeleter {
  void operator()(nghttp2_hd_inflater* p) const noexcept { nghttp2_hd_inflate_del(p); }
};
using Inflater = std::unique_ptr<nghttp2_hd_inflater, InflaterDeleter>;

Inflater make_inflater() noexcept {
  nghttp2_hd_inflater* raw = nullptr;
  if (nghttp2_hd_inflate_new(&raw) != 0) return nullptr;
  return Inflater(raw);
}

std::string to_string(const uint8_t* data, size_t len) {
  return {reinterpret_cast<const char*>(data), len};
}

// A browser's first request carries 15 to 25 fields.
constexpr size_t kTypicalHeaders = 32;

// RFC 7541 4.1: the size of an entry is name + value + 32.
constexpr size_t kEntryOverhead = 32;

}  // namespace

Result<std::vector<Header>, Http2Error> hpack_decode(Bytes block, size_t max_decoded) noexcept {
  try {
    Inflater inflater = make_inflater();
    if (!inflater) return Unexpected{Http2Error::kTooLarge};
    std::vector<Header> out;
    out.reserve(kTypicalHeaders);  // growing one field at a time was a tenth of a preface's cost
    size_t decoded = 0;
    Bytes in = block;
    for (;;) {
      nghttp2_nv nv;
      int flags = 0;
      // in_final = 1: the whole block is here, so a truncated field is an error, not "more".
      const auto used =
          nghttp2_hd_inflate_hd2(inflater.get(), &nv, &flags, in.data(), in.size(), 1);
      if (used < 0) return Unexpected{Http2Error::kBadHeaderBlock};
      in = in.subspan(static_cast<size_t>(used));
      if (flags & NGHTTP2_HD_INFLATE_EMIT) {
        decoded += nv.namelen + nv.valuelen + kEntryOverhead;
        if (decoded > max_decoded) return Unexpected{Http2Error::kTooLarge};
        out.push_back({to_string(nv.name, nv.namelen), to_string(nv.value, nv.valuelen)});
      }
      if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
      if (used == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT)) {
        return Unexpected{Http2Error::kBadHeaderBlock};  // no progress: cannot happen, but bound it
      }
    }
    nghttp2_hd_inflate_end_headers(inflater.get());
    return out;
  } catch (...) {
    return Unexpected{Http2Error::kTooLarge};  // allocation failure
  }
}

}  // namespace fp::http
