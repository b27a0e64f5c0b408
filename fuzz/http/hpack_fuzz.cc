// HPACK header blocks of one connection, decoded by our decoder and, differentially, by
// nghttp2's inflater: both must accept the same blocks, return the same fields and keep the
// same dynamic table size. Input: blocks, each preceded by its length in two octets (big-endian)
// (the last block takes what is left). Our decoder alone may stop with kTooLarge (a bound nghttp2
// does not have); the comparison ends there.
#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/byte_reader.h"
#include "http/hpack.h"

namespace {

constexpr size_t kMaxDecoded = 256 * 1024;

struct Inflater {
  Inflater() { nghttp2_hd_inflate_new(&p); }
  ~Inflater() { nghttp2_hd_inflate_del(p); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  nghttp2_hd_inflater* p = nullptr;
};

std::string_view text(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

// nghttp2's decoding of `block` compared with ours, field by field; false when nghttp2 fails.
bool nghttp2_agrees(Inflater& inflater, fp::Bytes block, const std::vector<fp::http::Header>* ours,
                    bool& mismatch) {
  size_t field = 0;
  for (;;) {
    nghttp2_nv nv;
    int flags = 0;
    const auto used =
        nghttp2_hd_inflate_hd2(inflater.p, &nv, &flags, block.data(), block.size(), 1);
    if (used < 0) return false;
    if (used == 0 && !(flags & (NGHTTP2_HD_INFLATE_EMIT | NGHTTP2_HD_INFLATE_FINAL))) return false;
    block = block.subspan(static_cast<size_t>(used));
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      if (ours != nullptr &&
          (field >= ours->size() || (*ours)[field].name != text(nv.name, nv.namelen) ||
           (*ours)[field].value != text(nv.value, nv.valuelen))) {
        mismatch = true;
      }
      ++field;
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
  }
  nghttp2_hd_inflate_end_headers(inflater.p);
  if (ours != nullptr && field != ours->size()) mismatch = true;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fp::ByteReader in(fp::Bytes(data, size));
  fp::http::HpackDecoder ours;
  Inflater theirs;
  while (!in.empty()) {
    const auto length = in.u16();  // a lone last octet is a block of its own
    const auto block = length ? in.bytes(*length).value_or(in.rest()) : in.rest();
    if (!length || block.size() != *length) (void)in.skip(in.remaining());
    const auto got = ours.decode(block, kMaxDecoded);
    if (!got.ok() && got.error() == fp::http::Http2Error::kTooLarge) break;
    bool mismatch = false;
    const bool theirs_ok = nghttp2_agrees(theirs, block, got.ok() ? &*got : nullptr, mismatch);
    if (theirs_ok != got.ok() || mismatch) __builtin_trap();
    if (!got.ok()) break;
    if (ours.table_size() != nghttp2_hd_inflate_get_dynamic_table_size(theirs.p)) {
      __builtin_trap();
    }
  }
  return 0;
}
